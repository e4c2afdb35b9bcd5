import { Buffer } from 'node:buffer';

/**
 * A flat copy of an id string the index keeps for a long time.
 *
 * Strings built by concatenation (`crypto.randomUUID()` assembles its 36 characters from hex pieces) are
 * trees of V8 cons-string objects: held a million times they cost ~600 bytes each instead of ~56. Copying
 * through UTF-8 gives one flat string; ids that would not survive the round trip (lone surrogates) are kept.
 */
export function compactString(value: string): string {
  const copy = Buffer.from(value, 'utf8').toString('utf8');
  return copy === value ? copy : value;
}
