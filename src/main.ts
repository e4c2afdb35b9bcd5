import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module, Controller, Get } from '@nestjs/common';

@Controller()
class HelloController {
  @Get('healthz')
  health() {
    return { status: 'ok' };
  }
}
@Module({ controllers: [HelloController] })
class AppModule {}

const app = await NestFactory.create(AppModule);
await app.listen(3000);
