/**
 * A device (camera or kiosk) authenticated by its API key (`X-Api-Key` on HTTP, `auth: {apiKey}` on Socket.IO).
 * A key acts only for its own camera, in its camera's organisation.
 */
export interface DevicePrincipal {
  keyId: string;
  cameraId: string;
  organizationId: string;
}

/**
 * Turns an API key into its device, or null when the key is unknown, revoked or its camera inactive. Provided by
 * the cameras feature; the access guard and the Socket.IO gateway depend on this class, not on cameras.
 */
export abstract class DeviceKeyVerifier {
  abstract verify(apiKey: string): Promise<DevicePrincipal | null>;
}
