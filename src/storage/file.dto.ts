import { IsString, MaxLength } from 'class-validator';
import { Optional } from '../common/optional.js';

/** The query of a signed photo URL, as `FileUrls.sign` wrote it; checked by the service (anything wrong: 404). */
export class SignedFileQuery {
  /** Unix time (seconds) after which the URL stops working. */
  @Optional()
  @IsString()
  @MaxLength(20)
  expires?: string;

  /** base64url HMAC-SHA256 of the file id, its organisation and `expires`. */
  @Optional()
  @IsString()
  @MaxLength(100)
  signature?: string;
}
