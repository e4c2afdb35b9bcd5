import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ApiError } from './api-error.js';
import { Optional } from './optional.js';
import { createValidationPipe, toFieldErrors } from './validation.js';

class ExampleDto {
  @IsString()
  @MinLength(1)
  @MaxLength(5)
  name: string;

  @Optional()
  @IsUUID()
  owner_id?: string;
}

async function detailsOf(body: object): Promise<unknown> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: ExampleDto, data: '' });
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return error.details;
  }
  assert.fail('the body was accepted');
}

describe('validation details', () => {
  it('names a missing field once, with the code required', async () => {
    assert.deepEqual(await detailsOf({}), [{ field: 'name', code: 'required', message: 'name is required' }]);
  });

  it('gives every broken rule its machine code beside the message, and unknown fields unknown_field', async () => {
    const details = (await detailsOf({ name: 'far too long', owner_id: 'x', extra: 1 })) as { code: string }[];
    assert.deepEqual(details.map((detail) => detail.code).sort(), ['isUuid', 'maxLength', 'unknown_field']);
  });

  it('turns service field errors ({ field, errors }) into the same shape with a fallback code', () => {
    assert.deepEqual(toFieldErrors([{ field: 'code', errors: ['code is taken'] }], 'taken'), [
      { field: 'code', code: 'taken', message: 'code is taken' },
    ]);
    assert.deepEqual(toFieldErrors({ used_by: 'users', count: 1 }, 'invalid'), { used_by: 'users', count: 1 });
    const other = [{ field: 'image', width: 10 }];
    assert.equal(toFieldErrors(other, 'invalid'), other, 'arrays of other shapes pass unchanged');
  });
});
