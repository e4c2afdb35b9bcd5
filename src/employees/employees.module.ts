import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DepartmentsModule } from '../departments/departments.module.js';
import { ShiftsModule } from '../shifts/shifts.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { UsersModule } from '../users/users.module.js';
import { ListsModule } from '../lists/lists.module.js';
import { Employee } from './employee.entity.js';
import { EmployeesController } from './employees.controller.js';
import { EmployeesRepository } from './employees.repository.js';
import { EmployeesService } from './employees.service.js';
import { PeopleInUseListener } from './people-in-use.listener.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([Employee]),
    DepartmentsModule,
    ShiftsModule,
    StorageModule,
    UsersModule,
    ListsModule,
  ],
  controllers: [EmployeesController],
  providers: [EmployeesRepository, EmployeesService, PeopleInUseListener],
  exports: [EmployeesService],
})
export class EmployeesModule {}
