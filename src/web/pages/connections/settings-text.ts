// The words of the generated settings forms: a label and a line of help per setting, and names
// for the choices. Keys are the setting's path without row numbers (fieldMapping.direction).
// A setting a connector adds later still gets a form field, labelled from its key, until it
// is given words here.

export interface FieldText {
  label: string;
  help?: string;
  placeholder?: string;
  /** For lists: what an empty list means, and the add button. */
  empty?: string;
  add?: string;
}

const dayHours = (day: string): FieldText => ({
  label: day,
  empty: 'Closed: no requests answered on this day.',
  add: `Add hours on ${day}`,
});

const text: Record<string, Record<string, FieldText>> = {
  hint: {
    fieldMapping: {
      label: 'Field mapping',
      help: 'Which Tandem field pairs with which Hint field, and which way each one syncs. Both fields of a row must be of the same kind; each field may appear once.',
      add: 'Add a field',
      empty: 'No fields are mapped: only names and ids sync.',
    },
    'fieldMapping.canonical': { label: 'Tandem field' },
    'fieldMapping.hint': { label: 'Hint field' },
    'fieldMapping.direction': { label: 'Direction' },
    conflictPolicy: {
      label: 'When both sides changed a field',
      help: 'A field changed on one side only always takes that change; this decides a field changed differently on both sides.',
    },
    createInHint: { label: 'Create in Hint the patients created in Tandem' },
    createInTandem: { label: 'Create in Tandem the patients created in Hint' },
    onHintDelete: { label: 'When a patient is deleted or made inactive in Hint' },
    hintRequiredFields: {
      label: 'Fields your Hint set-up requires',
      help: 'Beyond first and last name. A Tandem patient without one of them is not sent, and shows why.',
    },
    initialSync: { label: 'Initial sync' },
    'initialSync.unmatchedHint': { label: 'A Hint patient with no match in Tandem' },
    'initialSync.unmatchedTandem': { label: 'A Tandem patient with no match in Hint' },
    'initialSync.uncertain': { label: 'A match the matcher is unsure of' },
    reconcileEveryMinutes: {
      label: 'Reconcile every (minutes)',
      help: 'How often Tandem walks Hint for changes a webhook missed.',
    },
    billing: { label: 'Who bills', help: 'Hint bills (memberships), or your practice system bills through Tandem.' },
    rateLimitPerSecond: { label: 'Requests per second to Hint', help: 'Hint documents 20 per second per practice.' },
    partnerInteractions: {
      label: 'Show Healthengine bookings in Hint as partner interactions',
      help: 'A draft while booked, signed when attended, removed when cancelled.',
    },
  },
  salesforce: {
    fieldMapping: {
      label: 'Contact field mapping',
      help: 'Which Tandem field pairs with which Contact field, and which way each one syncs. Both fields of a row must be of the same kind; each field may appear once. Fields Hint owns (practitioner, insurance, member contract, HIPAA) only go to Salesforce.',
      add: 'Add a field',
      empty: 'No fields are mapped: only the link fields (Hint patient id, synced) are written.',
    },
    'fieldMapping.canonical': { label: 'Tandem field' },
    'fieldMapping.contact': { label: 'Contact field' },
    'fieldMapping.direction': { label: 'Direction' },
  },
  healthengine: {
    windowDays: { label: 'Days of availability published', help: 'From today; at most 90.' },
    liveHours: {
      label: 'Live hours',
      help: 'When Tandem promises Healthengine to answer requests, in the practice’s time zone.',
    },
    'liveHours.monday': dayHours('Monday'),
    'liveHours.tuesday': dayHours('Tuesday'),
    'liveHours.wednesday': dayHours('Wednesday'),
    'liveHours.thursday': dayHours('Thursday'),
    'liveHours.friday': dayHours('Friday'),
    'liveHours.saturday': dayHours('Saturday'),
    'liveHours.sunday': dayHours('Sunday'),
    'liveHours.publicHolidays': dayHours('Public holidays'),
    'liveHours.monday.start': { label: 'From (HH:MM)' },
    'liveHours.monday.end': { label: 'To (HH:MM)' },
    publicHolidays: {
      label: 'Public holidays',
      help: 'Dates (YYYY-MM-DD) on which the public-holiday hours apply instead of the weekday’s.',
      placeholder: 'e.g. 2026-12-25, then Enter',
    },
    pollOutsideLiveHours: { label: 'Poll for requests outside live hours too' },
    pollSecondsWithoutWebhook: { label: 'Poll every (seconds) while webhooks are not subscribed' },
    pollSecondsWithWebhook: { label: 'Poll every (seconds) while webhooks are subscribed' },
    webhooks: { label: 'Subscribe to Healthengine’s request webhooks' },
    ambiguousPatients: {
      label: 'When a booking’s patient is ambiguous',
      help: 'Tandem never attaches a booking to an uncertain match.',
    },
  },
};

/** A connector's own names for choices, before the shared ones below. */
const ownChoices: Record<string, Record<string, Record<string, string>>> = {
  salesforce: {
    'fieldMapping.direction': {
      both: 'Both ways',
      fromSalesforce: 'From Salesforce only',
      toSalesforce: 'To Salesforce only',
    },
    'fieldMapping.canonical': {
      namePrefix: 'Name prefix',
      firstName: 'First name',
      middleName: 'Middle name',
      lastName: 'Last name',
      dob: 'Date of birth',
      sex: 'Sex',
      email: 'Email',
      'phones.mobile': 'Mobile phone',
      'phones.home': 'Home phone',
      'phones.work': 'Work phone',
      'address.line1': 'Address line 1',
      'address.line2': 'Address line 2',
      'address.city': 'City',
      'address.state': 'State',
      'address.postcode': 'Postcode',
      'address.country': 'Country',
      'insurance.payerName': 'Insurance payer (Hint)',
      'insurance.groupNumber': 'Insurance group (Hint)',
      'insurance.memberId': 'Insurance member id (Hint)',
      'hint.practitionerName': 'Practitioner (Hint)',
      'hint.memberContractAccepted': 'Member contract (Hint)',
      'hint.memberContractAcceptedAt': 'Contract accepted at (Hint)',
      'hint.hipaaAuthorizationAccepted': 'HIPAA authorization (Hint)',
      'hint.hipaaAuthorizationAcceptedAt': 'HIPAA accepted at (Hint)',
    },
    'fieldMapping.contact': {
      'MailingStreet#1': 'MailingStreet, line 1',
      'MailingStreet#2': 'MailingStreet, line 2',
    },
  },
};

const choices: Record<string, Record<string, string>> = {
  'fieldMapping.direction': {
    both: 'Both ways',
    fromHint: 'From Hint only',
    toHint: 'To Hint only',
    readOnly: 'Neither (shown only)',
  },
  conflictPolicy: { latest: 'The latest change wins', hint: 'Hint wins', tandem: 'Tandem wins' },
  onHintDelete: { keep: 'Keep the Tandem patient', delete: 'Delete the Tandem patient' },
  'initialSync.unmatchedHint': { create: 'Create it in Tandem', skip: 'Skip it' },
  'initialSync.unmatchedTandem': { create: 'Create it in Hint', skip: 'Skip it' },
  'initialSync.uncertain': { review: 'Send it to the review queue', skip: 'Skip it' },
  billing: { hint: 'Hint bills', practice: 'The practice bills through Tandem' },
  ambiguousPatients: {
    'new-patient-for-review': 'Create a new patient and flag it for review',
    'reject-booking': 'Reject the booking',
  },
};

const humanize = (key: string) => {
  const last = key.split('.').at(-1) ?? key;
  const words = last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export function fieldText(system: string, key: string): FieldText {
  const own = text[system]?.[key];
  if (own) return own;
  // Healthengine's days share their column words.
  const day = /^liveHours\.\w+\.(start|end)$/.exec(key);
  if (day) return text.healthengine![`liveHours.monday.${day[1]}`]!;
  return { label: humanize(key) };
}

export function enumLabel(system: string, key: string, value: string): string {
  return ownChoices[system]?.[key]?.[value] ?? choices[key]?.[value] ?? value;
}
