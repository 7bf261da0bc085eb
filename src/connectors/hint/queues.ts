// Queue names and job keys of the Hint connector's jobs, spelled out here only. Jobs sharing a
// queue run one at a time in order; a job key coalesces a burst into one pending job.
export const queues = {
  /** One Hint record (patient, practitioner, invoice): its inbound events and our pushes, in order. */
  record: (connectionId: string, recordKey: string) => `hint:${connectionId}:${recordKey}`,
  drain: (connectionId: string) => `hint:drain:${connectionId}`,
  reconcile: (connectionId: string) => `hint:reconcile:${connectionId}`,
  initialSync: (connectionId: string) => `hint:initial-sync:${connectionId}`,
};

export const jobKeys = {
  pushPatient: (connectionId: string, patientId: string) => `hint:push:${connectionId}:${patientId}`,
  pushPractitioner: (connectionId: string, practitionerId: string) =>
    `hint:push-practitioner:${connectionId}:${practitionerId}`,
  pushInvoice: (connectionId: string, invoiceId: string) => `hint:push-invoice:${connectionId}:${invoiceId}`,
  pushInteraction: (connectionId: string, appointmentId: string) =>
    `hint:push-interaction:${connectionId}:${appointmentId}`,
  drain: (connectionId: string) => `hint:drain:${connectionId}`,
  reconcile: (connectionId: string) => `hint:reconcile:${connectionId}`,
};
