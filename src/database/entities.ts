import { AttendanceRecord } from '../attendance/attendance-record.entity.js';
import { SelfCheckIn } from '../attendance/check-in/self-check-in.entity.js';
import { LeaveRequest } from '../attendance/leave/leave-request.entity.js';
import { ClassSession } from '../attendance/sessions/class-session.entity.js';
import { ClassSessionMark } from '../attendance/sessions/class-session-mark.entity.js';
import { AuditLog } from '../audit/audit-log.entity.js';
import { ThrottleCounter } from '../auth/throttle-counter.entity.js';
import { PasswordResetToken } from '../auth/password-reset-token.entity.js';
import { RefreshToken } from '../auth/refresh-token.entity.js';
import { Camera } from '../cameras/camera.entity.js';
import { CameraKey } from '../cameras/camera-key.entity.js';
import { Department } from '../departments/department.entity.js';
import { CodeSequence } from '../employees/code-sequence.entity.js';
import { Employee } from '../employees/employee.entity.js';
import { FaceTemplate } from '../faces/face-template.entity.js';
import { Job } from '../jobs/job.entity.js';
import { Location } from '../locations/location.entity.js';
import { Organization } from '../organizations/organization.entity.js';
import { PresenceEvent } from '../presence/presence-event.entity.js';
import { Role } from '../roles/role.entity.js';
import { Shift } from '../shifts/shift.entity.js';
import { StoredFile } from '../storage/stored-file.entity.js';
import { User } from '../users/user.entity.js';
import { Visit } from '../visitors/visit.entity.js';
import { Visitor } from '../visitors/visitor.entity.js';
import { VisitorFace } from '../visitors/visitor-face.entity.js';
import { Webhook } from '../webhooks/webhook.entity.js';
import { WebhookDelivery } from '../webhooks/webhook-delivery.entity.js';
import { SecurityIncident } from '../security/security-incident.entity.js';

/** Every TypeORM entity of the service, for the application and the migration CLI. */
export const entities = [
  AttendanceRecord,
  AuditLog,
  Camera,
  CameraKey,
  ClassSession,
  ClassSessionMark,
  CodeSequence,
  Department,
  Employee,
  FaceTemplate,
  Job,
  LeaveRequest,
  Location,
  ThrottleCounter,
  Organization,
  PasswordResetToken,
  PresenceEvent,
  RefreshToken,
  Role,
  SecurityIncident,
  SelfCheckIn,
  Shift,
  StoredFile,
  User,
  Visit,
  Visitor,
  VisitorFace,
  Webhook,
  WebhookDelivery,
];
