/** When a shift's people are expected: organisation-local `HH:MM` times and ISO weekdays (1 = Monday). */
export interface ShiftSchedule {
  startTime: string;
  /** Earlier than (or equal to) startTime: the shift ends the next day. */
  endTime: string;
  graceMinutes: number;
  workingDays: number[];
}
