// A button whose action needs a second, deliberate click in a dialog that says what will happen
// (disable a user, revoke a token, deactivate a connection). Keyboard: Enter confirms, Esc cancels.
import { Button, Group, Modal, Stack, Text, type ButtonProps } from '@mantine/core';
import { useState, type ReactNode } from 'react';

export interface ConfirmButtonProps extends Omit<ButtonProps, 'onClick'> {
  /** The dialog's title, e.g. "Revoke the token “ci”?" */
  title: string;
  /** What happens, and what stays. */
  message: ReactNode;
  confirmLabel: string;
  onConfirm(): void;
  children: ReactNode;
  'aria-label'?: string;
}

export function ConfirmButton({ title, message, confirmLabel, onConfirm, children, ...button }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button {...button} onClick={() => setOpen(true)}>
        {children}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title} centered>
        <Stack gap="md">
          <Text size="sm">{message}</Text>
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              color={button.color ?? 'red'}
              data-autofocus
              onClick={() => {
                setOpen(false);
                onConfirm();
              }}
            >
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
