// Every page of the console: one entry per URL. Pages are lazy so the first page stays small.
// To add a page, append an entry in your area's block (keep the blocks apart: fewer conflicts).
//
//   { path: '/patients/:id', title: 'Patient', component: lazy(() => import('./pages/patients/PatientPage.tsx')) }
//
// path      react-router path; every page has one, so it can be linked, reloaded and bookmarked
// title     the navigation label (and what PageHeader usually shows)
// component a page component, default-exported from src/web/pages/<area>/ (or `element`)
// nav       listed in the sidebar, in this order (under `group` when given)
// role      'admin': hidden from staff in the sidebar and answered with "admins only"; the
//           server enforces the same rule on its own (src/http/access.ts)
// public    shown without signing in and without the shell (sign-in, setup, set password)
import { lazy, type ComponentType, type ReactNode } from 'react';

export interface ConsoleRoute {
  path: string;
  title: string;
  component?: ComponentType;
  element?: ReactNode;
  nav?: boolean;
  group?: string;
  role?: 'admin';
  public?: boolean;
}

export const routes: ConsoleRoute[] = [
  // ── overview and records (console-records) ──────────────────────────────────────────────
  { path: '/', title: 'Overview', nav: true, component: lazy(() => import('./pages/overview/OverviewPage.tsx')) },
  {
    path: '/patients',
    title: 'Patients',
    nav: true,
    component: lazy(() => import('./pages/patients/PatientsPage.tsx')),
  },
  { path: '/patients/:id', title: 'Patient', component: lazy(() => import('./pages/patients/PatientPage.tsx')) },
  {
    path: '/appointments/:id',
    title: 'Appointment',
    component: lazy(() => import('./pages/appointments/AppointmentPage.tsx')),
  },
  {
    path: '/reviews',
    title: 'Review queue',
    nav: true,
    component: lazy(() => import('./pages/reviews/ReviewsPage.tsx')),
  },

  // ── operations (console-ops) ────────────────────────────────────────────────────────────
  {
    path: '/connections',
    title: 'Connections',
    nav: true,
    component: lazy(() => import('./pages/connections/ConnectionsPage.tsx')),
  },
  {
    path: '/connections/:id',
    title: 'Connection',
    component: lazy(() => import('./pages/connections/ConnectionPage.tsx')),
  },
  {
    path: '/salesforce/contacts/:contactId',
    title: 'Salesforce contact',
    component: lazy(() => import('./pages/salesforce/ContactPage.tsx')),
  },
  { path: '/batches', title: 'Batches', nav: true, component: lazy(() => import('./pages/batches/BatchesPage.tsx')) },
  { path: '/batches/:id', title: 'Batch', component: lazy(() => import('./pages/batches/BatchPage.tsx')) },
  { path: '/logs', title: 'Logs', nav: true, component: lazy(() => import('./pages/logs/LogsPage.tsx')) },
  { path: '/jobs', title: 'Jobs', nav: true, component: lazy(() => import('./pages/jobs/JobsPage.tsx')) },

  // ── settings and sign-in (console-auth) ─────────────────────────────────────────────────
  {
    path: '/settings/users',
    title: 'Users',
    nav: true,
    group: 'Settings',
    role: 'admin',
    component: lazy(() => import('./pages/settings/UsersPage.tsx')),
  },
  {
    path: '/settings/tokens',
    title: 'API tokens',
    nav: true,
    group: 'Settings',
    role: 'admin',
    component: lazy(() => import('./pages/settings/TokensPage.tsx')),
  },
  {
    path: '/sign-in',
    title: 'Sign in',
    public: true,
    component: lazy(() => import('./pages/auth/SignInPage.tsx')),
  },
  { path: '/setup', title: 'Set up Tandem', public: true, component: lazy(() => import('./pages/auth/SetupPage.tsx')) },
  {
    path: '/set-password',
    title: 'Choose a password',
    public: true,
    component: lazy(() => import('./pages/auth/SetPasswordPage.tsx')),
  },
];
