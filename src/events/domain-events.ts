/**
 * Every domain event: its name and what it carries. Payloads are plain data (ids, names, times), never entities,
 * so that the same names and shapes can go to Socket.IO clients and webhooks. Documented in docs/events.md.
 */
export interface DomainEvents {
  /** Every session of the user must end (role change, deactivation, a password set by an admin). In transaction. */
  'user.access_revoked': { organizationId: string; userId: string };
  /** A person was deleted (soft) or erased (`erased`: the row is gone too). Published inside the deletion. */
  'employee.deleted': { organizationId: string; employeeId: string; erased: boolean };
  /** Face templates were stored for a person and are searchable. */
  'face.enrolled': { organizationId: string; employeeId: string; templateIds: string[]; jobId: string | null };
  /** Face templates of a person were removed (one by one, or all at the person's deletion). */
  'face.removed': { organizationId: string; employeeId: string; templateIds: string[] };
}

export type DomainEventName = keyof DomainEvents;
