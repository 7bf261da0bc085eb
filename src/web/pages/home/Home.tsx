// Placeholder for `/` until the Overview page lands (console-records replaces this file's route).
import { PageHeader } from '../../components/PageHeader.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useCurrentSession } from '../../api/session.ts';

export default function Home() {
  const session = useCurrentSession();
  return (
    <>
      <PageHeader title="Overview" description={session.practice.name} />
      <EmptyState title="Welcome to Tandem">The overview of this practice's connections will appear here.</EmptyState>
    </>
  );
}
