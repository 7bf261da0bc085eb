// A button for an admin-only action: staff see it disabled, with the reason beside it in a
// tooltip and for screen readers. The server refuses the action to staff (403) regardless.
import { Button, Tooltip, type ButtonProps } from '@mantine/core';
import type { MouseEventHandler, ReactNode } from 'react';
import { useIsAdmin } from '../../api/session.ts';

export function AdminButton(
  props: ButtonProps & {
    children: ReactNode;
    onClick?: MouseEventHandler<HTMLButtonElement>;
    type?: 'submit' | 'button';
  },
) {
  const admin = useIsAdmin();
  if (admin) return <Button {...props} />;
  return (
    <Tooltip label="Admins only">
      <Button {...props} disabled aria-description="Admins only" onClick={undefined} />
    </Tooltip>
  );
}
