// The one Mantine theme of the console and the app Hint frames.
import { Badge, createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'teal',
  defaultRadius: 'sm',
  components: {
    // A badge carries a status ("synced", "errored", "active"): Mantine cuts long labels with an
    // ellipsis, which left "HINT: SYN…" in narrow table cells at 1024 px. Badges keep their whole
    // label and never shrink; the cell wraps around them instead.
    Badge: Badge.extend({
      styles: {
        root: { flexShrink: 0, maxWidth: 'none', overflow: 'visible' },
        label: { overflow: 'visible', textOverflow: 'clip' },
      },
    }),
  },
});
