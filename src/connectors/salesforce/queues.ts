// Queue names and job keys of the Salesforce connector's jobs, spelled out here only. Both
// directions of one person share a queue keyed by the contact id (per-record ordering); a job
// key coalesces a burst of changes into one job that reads the latest state.
export const queues = {
  record: (connectionId: string, contactId: string) => `salesforce-record:${connectionId}:${contactId}`,
  batch: (connectionId: string) => `salesforce-batch:${connectionId}`,
  poll: (connectionId: string) => `salesforce-poll:${connectionId}`,
};

export const jobKeys = {
  apply: (connectionId: string, contactId: string) => `salesforce-apply:${connectionId}:${contactId}`,
  push: (connectionId: string, patientId: string) => `salesforce-push:${connectionId}:${patientId}`,
  newPatient: (connectionId: string, patientId: string) => `salesforce-new-patient:${connectionId}:${patientId}`,
  poll: (connectionId: string) => `salesforce-poll:${connectionId}`,
  reconcile: (connectionId: string) => `salesforce-reconcile:${connectionId}`,
  batch: (batchId: string) => `salesforce-batch:${batchId}`,
};
