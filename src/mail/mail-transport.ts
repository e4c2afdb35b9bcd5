import { Injectable, Logger } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AppConfig } from '../config/app-config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail over SMTP when SMTP_URL is set; otherwise writes the message to the log (development). */
@Injectable()
export class MailTransport {
  private readonly logger = new Logger('Mail');
  private readonly smtp: Transporter | undefined;

  constructor(private readonly config: AppConfig) {
    this.smtp = config.smtpUrl ? createTransport(config.smtpUrl) : undefined;
  }

  async send(message: MailMessage): Promise<void> {
    if (!this.smtp) {
      this.logger.log(`(no SMTP_URL) mail to ${message.to}: ${message.subject}\n${message.text}`);
      return;
    }
    await this.smtp.sendMail({ from: this.config.mailFrom, ...message });
  }
}
