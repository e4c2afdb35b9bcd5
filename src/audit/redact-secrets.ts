const SECRET_KEY = /pass(word)?|secret|token|hash|credential|api_?key|embedding/i;

/** Copies a value for the audit log with secret-looking fields replaced by "[REDACTED]". */
export function redactSecrets(value: object): Record<string, unknown> {
  return redact(value) as Record<string, unknown>;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return '[BINARY]';
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? '[REDACTED]' : redact(inner)]),
  );
}
