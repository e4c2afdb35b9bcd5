import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDate, IsDateString } from 'class-validator';
import { IsDateInRange } from './date-range.js';
import { Optional } from './optional.js';

/** A bare ISO 8601 day, `YYYY-MM-DD`. */
const BARE_DAY = /^\d{4}-\d{2}-\d{2}$/;
/** ISO 8601 as this API takes it: a day, or a day and time with seconds optional, fractions and a zone. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DAY_MS = 86_400_000;

/**
 * Reads a time filter of a list: ISO 8601 only (`2026-03-12`, `2026-03-12T08:30:00Z`, `…+05:30`; `03/12/2026`
 * and other forms JavaScript would guess at are refused), as a Date. A bare day as the end of a range (`to`)
 * means the whole of that day (UTC): `date_from=2026-03-12&date_to=2026-03-12` is that day, not an instant.
 * Values that are not ISO 8601 are left as they are and fail `@IsDate()` with the field's own message.
 */
export function toQueryTime(value: unknown, bound: 'from' | 'to'): unknown {
  if (typeof value !== 'string' || !ISO_8601.test(value)) return value;
  const time = Date.parse(BARE_DAY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(time)) return value;
  return new Date(bound === 'to' && BARE_DAY.test(value) ? time + DAY_MS - 1 : time);
}

/**
 * A time filter of a list query (`date_from`, `date_to`, …): optional, ISO 8601 only, in the years 1900-9999; `to`
 * bounds take a bare day as the whole day. The one decorator every list's time filters use.
 */
export function QueryTime(bound: 'from' | 'to', description?: string) {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      format: 'date-time',
      description:
        description ??
        (bound === 'from'
          ? 'From this time on (ISO 8601 day or date-time; a bare day starts at 00:00 UTC).'
          : 'Up to this time, inclusive (ISO 8601 day or date-time; a bare day includes the whole day, UTC).'),
    }),
    Optional(),
    Transform(({ value }: { value: unknown }) => toQueryTime(value, bound), { toClassOnly: true }),
    IsDate({ message: ({ property }) => `${property} must be an ISO 8601 date or date-time` }),
    IsDateInRange(),
  );
}

/**
 * A day filter of a list query (`YYYY-MM-DD`, compared with a date column, so a range's bounds are both
 * inclusive): optional, ISO 8601 only, in the years 1900-9999.
 */
export function QueryDay(description?: string) {
  return applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date', description }),
    Optional(),
    IsDateString({ strict: true }, { message: ({ property }) => `${property} must be an ISO 8601 day (YYYY-MM-DD)` }),
    IsDateInRange(),
  );
}
