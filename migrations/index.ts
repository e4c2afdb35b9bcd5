import { Foundation1763900000000 } from './1763900000000-foundation.js';
import { Employees1763900100000 } from './1763900100000-employees.js';
import { FaceTemplates1763900200000 } from './1763900200000-face-templates.js';
import { AuthThrottle1763900400000 } from './1763900400000-auth-throttle.js';
import { EmployeeEnrolmentSummary1763900500000 } from './1763900500000-employee-enrolment-summary.js';
import { JobRetries1763900600000 } from './1763900600000-job-retries.js';
import { Cameras1763900700000 } from './1763900700000-cameras.js';
import { PresenceEvents1763900800000 } from './1763900800000-presence-events.js';
import { Attendance1763900900000 } from './1763900900000-attendance.js';
import { Visitors1763901200000 } from './1763901200000-visitors.js';
import { SocketAttachments1763901300000 } from './1763901300000-socket-attachments.js';
import { SelfCheckIn1763901400000 } from './1763901400000-self-check-in.js';
import { ClassSessions1763901500000 } from './1763901500000-class-sessions.js';
import { ReportFiles1763901600000 } from './1763901600000-report-files.js';
import { VisitorRetention1763901700000 } from './1763901700000-visitor-retention.js';
import { ClientContract1763902000000 } from './1763902000000-client-contract.js';
import { AmericanSpelling1763902100000 } from './1763902100000-american-spelling.js';
import { Security1763902300000 } from './1763902300000-security.js';
import { Webhooks1763902400000 } from './1763902400000-webhooks.js';
import { CameraMinFaceSize1763902500000 } from './1763902500000-camera-min-face-size.js';

/** Every migration, oldest first. Listed explicitly so the compiled ESM output needs no glob loading. */
export const migrations = [
  Foundation1763900000000,
  Employees1763900100000,
  FaceTemplates1763900200000,
  AuthThrottle1763900400000,
  EmployeeEnrolmentSummary1763900500000,
  JobRetries1763900600000,
  Cameras1763900700000,
  PresenceEvents1763900800000,
  Attendance1763900900000,
  Visitors1763901200000,
  SocketAttachments1763901300000,
  SelfCheckIn1763901400000,
  ClassSessions1763901500000,
  ReportFiles1763901600000,
  VisitorRetention1763901700000,
  ClientContract1763902000000,
  AmericanSpelling1763902100000,
  Security1763902300000,
  Webhooks1763902400000,
  CameraMinFaceSize1763902500000,
];
