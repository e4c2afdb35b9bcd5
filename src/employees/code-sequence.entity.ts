import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last number handed out per organisation and code prefix (`ENG-2026`), for generated person codes. */
@Entity('code_sequences')
export class CodeSequence {
  @PrimaryColumn('uuid')
  organizationId: string;

  @PrimaryColumn()
  prefix: string;

  @Column({ default: 0 })
  lastValue: number;
}
