// Settings → API tokens (admins): create (shown once), revoke.
import { PageHeader } from '../../components/PageHeader.tsx';

export default function TokensPage() {
  return <PageHeader title="API tokens" description="Tokens let scripts and other systems call the REST API." />;
}
