// Word lists for realistic, deterministic sandbox people and places (no faker).
export const FIRST_NAMES = {
  female: ['Olivia', 'Emma', 'Ava', 'Sophia', 'Isabella', 'Mia', 'Amelia', 'Harper', 'Evelyn', 'Abigail', 'Emily', 'Ella',
    'Grace', 'Chloe', 'Camila', 'Maria', 'Priya', 'Aaliyah', 'Mei', 'Fatima', 'Hannah', 'Nora', 'Lucia', 'Zoe'],
  male: ['Liam', 'Noah', 'Oliver', 'Elijah', 'James', 'William', 'Benjamin', 'Lucas', 'Henry', 'Theodore', 'Jack', 'Levi',
    'Mateo', 'Daniel', 'Michael', 'Samuel', 'David', 'Joseph', 'Carter', 'Owen', 'Arjun', 'Wei', 'Omar', 'Diego'],
} as const;

export const LAST_NAMES = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez',
  'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young',
  'Allen', 'King', 'Wright', 'Scott', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Patel',
  'Chen', 'Kim', 'Okafor', "O'Brien", 'Müller'];

export const MIDDLE_NAMES = ['Marie', 'Ann', 'Lee', 'James', 'Rose', 'Grace', 'Alan', 'Jay', 'Lynn', 'Ray'];

export const STREETS = ['Main St', 'Oak Ave', 'Pine St', 'Maple Dr', 'Cedar Ln', 'Elm St', 'Washington Blvd', 'Lake Rd',
  'Hillcrest Ave', 'Sunset Blvd', 'Park Pl', 'Mission St'];

export const CITIES = [
  { city: 'San Francisco', state: 'CA', zip: '94110' }, { city: 'Oakland', state: 'CA', zip: '94612' },
  { city: 'Berkeley', state: 'CA', zip: '94704' }, { city: 'San Jose', state: 'CA', zip: '95112' },
  { city: 'Daly City', state: 'CA', zip: '94015' }, { city: 'San Mateo', state: 'CA', zip: '94401' },
] as const;

export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];

export const PAYERS = [
  { name: 'Anthem Blue Cross California', id: '00039' }, { name: 'Aetna', id: '60054' },
  { name: 'Kaiser Permanente', id: '94134' }, { name: 'UnitedHealthcare', id: '87726' },
];

export const COMPANIES = ['Schmoogle Inc.', 'Bayview Logistics', 'Redwood Robotics', 'Golden Gate Bakery', 'Mission Analytics'];

export const PRACTITIONERS = [
  { name: 'Dr. Maya Chen', gender: 'female', specialty: 'Family Medicine' },
  { name: 'Dr. Samuel Ortiz', gender: 'male', specialty: 'Internal Medicine' },
  { name: 'Dr. Priya Raman', gender: 'female', specialty: 'Pediatrics' },
] as const;

export const LEAD_SOURCES = ['Other', 'Referral', 'Website', 'Employer', 'Event'];
