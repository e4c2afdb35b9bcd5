/** Prefix of generated codes for people without a department. */
export const GENERIC_CODE_PREFIX = 'GEN';

/** `{DEPT}-{YEAR}`: the part of a generated code shared by one counter in `code_sequences`. */
export function employeeCodePrefix(departmentCode: string | null, year: number): string {
  return `${departmentCode ?? GENERIC_CODE_PREFIX}-${year}`;
}

/** `{PREFIX}-{SEQ}` with the sequence zero-padded to 4 digits (`ENG-2026-0007`); longer numbers are kept whole. */
export function formatEmployeeCode(prefix: string, sequence: number): string {
  return `${prefix}-${String(sequence).padStart(4, '0')}`;
}

/** The year a generated code carries: the joining date's year when known, else the current year (UTC). */
export function employeeCodeYear(joiningDate: string | null | undefined, now: Date = new Date()): number {
  return joiningDate ? Number(joiningDate.slice(0, 4)) : now.getUTCFullYear();
}
