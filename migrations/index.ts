import { Foundation1763900000000 } from './1763900000000-foundation.js';

/** Every migration, oldest first. Listed explicitly so the compiled ESM output needs no glob loading. */
export const migrations = [Foundation1763900000000];
