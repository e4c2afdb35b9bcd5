import { createHmac, randomBytes } from 'node:crypto';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" under the secret>`, the `X-Signature` header. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A new signing secret: `whsec_` and 32 random bytes (base64url). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The headers of one attempt; the timestamp is the attempt's own, so a receiver can refuse old replays. */
export function webhookHeaders(
  webhookId: string,
  eventType: string,
  secret: string,
  body: string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'facegate-webhooks/1',
    'X-Webhook-Id': webhookId,
    'X-Event-Type': eventType,
    'X-Timestamp': String(timestamp),
    'X-Signature': signWebhook(secret, timestamp, body),
  };
}
