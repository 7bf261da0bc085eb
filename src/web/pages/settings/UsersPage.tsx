// Settings → Users (admins): invite (one-time link), change role, disable.
import { PageHeader } from '../../components/PageHeader.tsx';

export default function UsersPage() {
  return <PageHeader title="Users" description="Who can sign in to this practice." />;
}
