import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Years a date field may name. PostgreSQL `date`/`timestamptz` hold far more, but a JavaScript Date reaches
 * year -271821 and ±275760, which PostgreSQL refuses (a 500 before this check); no date this API stores
 * (births, hire dates, audit filters) lies outside these years.
 */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

/** The UTC year of a Date or of a date string JavaScript can parse; null when it names no date. */
function yearOf(value: unknown): number | null {
  const time = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(time) ? null : new Date(time).getUTCFullYear();
}

/**
 * A date (a `Date` from `@Type(() => Date)` or an ISO 8601 string) in the years MIN_YEAR-MAX_YEAR. Put it beside
 * the validator of the format (`@IsDate()`, a date-only check): this one checks the range only, and passes
 * values that are not dates at all so that the format's own message is the one given.
 */
export function IsDateInRange(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDateInRange',
      validator: {
        validate: (value: unknown) => {
          const year = yearOf(value);
          return year === null || (year >= MIN_YEAR && year <= MAX_YEAR);
        },
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a date between ${MIN_YEAR}-01-01 and ${MAX_YEAR}-12-31`,
          options,
        ),
      },
    },
    options,
  );
}
