import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but if it is sent it must pass its validators: unlike `@IsOptional()`,
 * `null` is not waved through (a PATCH with `"name": null` is a 400, not a NOT NULL violation).
 */
export const Optional = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
