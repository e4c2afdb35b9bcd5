import { applyDecorators } from '@nestjs/common';
import { dictionary } from '@zxcvbn-ts/language-common';
import { IsStrongPassword, MaxLength, registerDecorator, type ValidationArguments } from 'class-validator';
import { ApiError } from '../common/api-error.js';

/** About 49,000 of the most used passwords (lower case), from the zxcvbn-ts common dictionary. */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

/** An account's names a password must not contain. */
export interface PasswordOwner {
  username?: string;
  email?: string;
}

/**
 * Why a password is refused beyond its shape: a common password (also with digits or symbols added at the end,
 * as in `Monkey2024!`), or one that contains the account's username or the local part of its email address.
 */
export function passwordProblems(password: string, owner: PasswordOwner = {}): string[] {
  const lower = password.toLowerCase();
  const problems: string[] = [];
  const stem = lower.replace(/[^a-z]+$/, '');
  if (COMMON_PASSWORDS.has(lower) || (stem.length >= 4 && COMMON_PASSWORDS.has(stem))) {
    problems.push('is one of the most common passwords');
  }
  const username = owner.username?.trim().toLowerCase();
  if (username && username.length >= 3 && lower.includes(username)) problems.push('must not contain the username');
  const mailbox = owner.email?.trim().toLowerCase().split('@')[0];
  if (mailbox && mailbox.length >= 3 && lower.includes(mailbox)) {
    problems.push('must not contain the email address');
  }
  return problems;
}

/** A 400 naming `field` when the password breaks the policy for this account. */
export function assertPasswordFits(password: string, owner: PasswordOwner, field = 'password'): void {
  const problems = passwordProblems(password, owner);
  if (problems.length === 0) return;
  throw ApiError.badRequest('validation_error', 'The request is not valid', [
    { field, errors: problems.map((problem) => `${field} ${problem}`) },
  ]);
}

/**
 * At least 8 characters with an upper-case letter, a lower-case letter and a digit, not a common password, and
 * (when the same body has them) not containing the `username` or `email` beside it.
 */
export const IsAcceptablePassword = () =>
  applyDecorators(
    IsStrongPassword(
      { minLength: 8, minLowercase: 1, minUppercase: 1, minNumbers: 1, minSymbols: 0 },
      { message: '$property must be at least 8 characters with upper-case, lower-case and a digit' },
    ),
    MaxLength(256),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'passwordPolicy',
        target: target.constructor,
        propertyName: propertyName as string,
        validator: {
          validate: (value: unknown, args: ValidationArguments) =>
            typeof value !== 'string' || passwordProblems(value, args.object).length === 0,
          defaultMessage: (args: ValidationArguments) =>
            `${args.property} ${passwordProblems(String(args.value), args.object).join('; ')}`,
        },
      }),
  );
