import { Foundation1763900000000 } from './1763900000000-foundation.js';
import { Employees1763900100000 } from './1763900100000-employees.js';

/** Every migration, oldest first. Listed explicitly so the compiled ESM output needs no glob loading. */
export const migrations = [Foundation1763900000000, Employees1763900100000];
