// Pages for URLs that lead nowhere, or somewhere this user's role may not go.
import { Button } from '@mantine/core';
import { Link } from 'react-router';
import { EmptyState } from '../components/EmptyState.tsx';
import { PageHeader } from '../components/PageHeader.tsx';

export function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState
        title="There is nothing at this address"
        action={
          <Button component={Link} to="/" variant="default">
            Go to the overview
          </Button>
        }
      >
        The link may be mistyped, or the record belongs to another practice. If you belong to several practices, switch
        practice at the top and try again.
      </EmptyState>
    </>
  );
}

export function AdminsOnly() {
  return (
    <>
      <PageHeader title="Admins only" />
      <EmptyState title="This page is for practice admins">
        Your role is staff: you can work with patients, reviews, batches, logs and jobs, but not change connections,
        mappings, users or API tokens. Ask an admin of this practice if you need a change here.
      </EmptyState>
    </>
  );
}
