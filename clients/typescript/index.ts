import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, operations, paths } from './schema.js';

/** The body of every error answer: `{ error, message, details?, trace_id }`; each route narrows `error` to its codes. */
export type ApiErrorBody = components['schemas']['ErrorResponse'];

export interface FaceGateClientOptions {
  /** Where the service runs, e.g. `http://localhost:3000` (paths already start with /api/v1). */
  baseUrl: string;
  /** The current access token, asked for before each request; none sends no Authorization header. */
  accessToken?: () => string | undefined;
  fetch?: typeof globalThis.fetch;
}

/** A client of the FaceGate API with every path, parameter, body, answer and error typed from the OpenAPI document. */
export function createFaceGateClient({ baseUrl, accessToken, fetch }: FaceGateClientOptions) {
  const client = createClient<paths>({ baseUrl, fetch });
  client.use({
    onRequest({ request }) {
      const token = accessToken?.();
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  });
  return client;
}

/**
 * A multipart body serializer for upload routes: pass as `bodySerializer: formData`. Blobs (and Files) go as file
 * parts, arrays as repeated parts, other values as text; undefined values are left out.
 */
export function formData(body: object): FormData {
  const form = new FormData();
  const append = (name: string, value: unknown) => {
    if (value instanceof Blob) form.append(name, value, value instanceof File ? value.name : `${name}.jpg`);
    else if (typeof value === 'string') form.append(name, value);
    else if (typeof value === 'number' || typeof value === 'boolean') form.append(name, `${value}`);
    else if (value !== undefined && value !== null) form.append(name, JSON.stringify(value));
  };
  for (const [name, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value]) append(name, item);
  }
  return form;
}
