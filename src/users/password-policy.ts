import { applyDecorators } from '@nestjs/common';
import { IsStrongPassword, MaxLength } from 'class-validator';

/** At least 8 characters with an upper-case letter, a lower-case letter and a digit. */
export const IsAcceptablePassword = () =>
  applyDecorators(
    IsStrongPassword(
      { minLength: 8, minLowercase: 1, minUppercase: 1, minNumbers: 1, minSymbols: 0 },
      { message: '$property must be at least 8 characters with upper-case, lower-case and a digit' },
    ),
    MaxLength(256),
  );
