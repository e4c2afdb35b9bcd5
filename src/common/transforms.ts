/** class-transformer `@Transform` functions shared by request DTOs. */

/** Trims surrounding white space from strings; other values pass unchanged (and fail their validators). */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Reads `"true"`/`"false"` from query strings and multipart fields as booleans. */
export const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;
