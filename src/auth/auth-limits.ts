import type { ThrottleLimit } from './attempt-throttle.js';

/** Wrong logins per account, whatever name (username or email) was typed; unknown names count per name. */
export const LOGIN_PER_ACCOUNT: ThrottleLimit = { name: 'login_attempts', max: 5, windowSeconds: 60 };
/** Wrong logins per client address, across all names. */
export const LOGIN_PER_ADDRESS: ThrottleLimit = { name: 'login_attempts', max: 20, windowSeconds: 60 };
/** Wrong `old_password` guesses per account when changing the password. */
export const PASSWORD_CHECKS: ThrottleLimit = { name: 'password_attempts', max: 5, windowSeconds: 60 };
/** Password-reset requests per mailbox (known or not), and per client address. */
export const RESET_PER_MAILBOX: ThrottleLimit = { name: 'reset_requests', max: 3, windowSeconds: 900 };
export const RESET_PER_ADDRESS: ThrottleLimit = { name: 'reset_requests', max: 10, windowSeconds: 900 };
