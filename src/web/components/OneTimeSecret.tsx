// A secret (an API token, a one-time link) shown once, with a copy button and the reason it
// will not be shown again.
import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';

export function OneTimeSecret({ title, value, note }: { title: string; value: string; note: string }) {
  return (
    <Alert color="teal" title={title} variant="light" role="status">
      <Stack gap="xs">
        <Group gap="xs" wrap="nowrap" align="center">
          <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="one-time-secret">
            {value}
          </Code>
          <CopyButton value={value}>
            {({ copied, copy }) => (
              <Button size="xs" variant={copied ? 'filled' : 'default'} onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text size="sm">{note}</Text>
      </Stack>
    </Alert>
  );
}
