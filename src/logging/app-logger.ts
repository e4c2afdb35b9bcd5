import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { requestContext } from '../common/request-context.js';

type JsonLogOptions = Parameters<ConsoleLogger['getJsonLogObject']>[1];

/** Keys masked wherever they appear in what is logged (structured params, objects): never log a secret. */
const SECRET_KEYS = ['password', 'authorization', 'token', 'access_token', 'refresh_token', 'secret', 'api_key'];

/**
 * Nest's console logger, with every line written during a request carrying that request's id (and its user, once
 * authenticated): `request_id`/`user_id` fields in JSON, `[request id]` after the context in pretty text. LOG_FORMAT
 * picks the format (docs/operations.md).
 */
export class AppLogger extends ConsoleLogger {
  constructor(format: 'json' | 'pretty', logLevels: LogLevel[]) {
    super({ json: format === 'json', logLevels, flattenParams: true, redact: SECRET_KEYS });
  }

  protected override getJsonLogObject(
    message: unknown,
    options: JsonLogOptions,
  ): ReturnType<ConsoleLogger['getJsonLogObject']> {
    const record = super.getJsonLogObject(message, options);
    const context = requestContext.current();
    if (context) {
      record.request_id = context.requestId;
      if (context.userId) record.user_id = context.userId;
    }
    return record;
  }

  protected override formatContext(context: string): string {
    const requestId = requestContext.current()?.requestId;
    return super.formatContext(context) + (requestId ? `[${requestId}] ` : '');
  }
}
