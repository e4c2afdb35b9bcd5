import type { AttendanceCountsDto } from './attendance-counts.js';

/** The count columns every report file shows, in order, with their headings. */
export const COUNT_HEADINGS: readonly { key: keyof AttendanceCountsDto; heading: string; short: string }[] = [
  { key: 'records', heading: 'Records', short: 'Records' },
  { key: 'present', heading: 'Present', short: 'Present' },
  { key: 'late', heading: 'Late', short: 'Late' },
  { key: 'half_day', heading: 'Half day', short: 'Half day' },
  { key: 'absent', heading: 'Absent', short: 'Absent' },
  { key: 'excused', heading: 'Excused', short: 'Excused' },
  { key: 'holiday', heading: 'Holiday', short: 'Holiday' },
  { key: 'weekend', heading: 'Weekend', short: 'Weekend' },
  { key: 'attended', heading: 'Attended', short: 'Attended' },
  { key: 'working_days', heading: 'Working days', short: 'Working' },
  { key: 'attendance_rate', heading: 'Attendance rate', short: 'Rate' },
  { key: 'work_hours', heading: 'Work hours', short: 'Hours' },
];

/** `87.5%` for 0.875. */
export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** `attendance-2026-11-01-to-2026-11-30.xlsx`, with the department's name when narrowed to one. */
export function reportFileName(from: string, to: string, department: string | null, extension: string): string {
  const slug = department
    ? `-${department
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40)}`
    : '';
  return `attendance-${from}-to-${to}${slug === '-' ? '' : slug}.${extension}`;
}
