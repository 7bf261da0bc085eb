// The embedded-app side of Hint, emulated: GET /hint-sdk.js (HintSDK.init, user,
// currentPatient, interaction, onCurrentPatientChanged) and a host page,
// GET /_emulator/embed?practice=…&patient=…, that performs the signed handshake and loads
// the partner's surface in an iframe, as Hint's chart does. Hint's real SDK talks to its
// parent frame in an undocumented way; this one uses postMessage ('hint-sdk:*' messages).
import type { FastifyInstance } from 'fastify';
import type { HintContext } from './context.ts';
import { HintError } from './errors.ts';
import { performHandshake } from './handshake.ts';
import { harnessLookups } from './harness-practice.ts';
import { patientName } from './views/patient.ts';

const SDK_SOURCE = `(function () {
  var readyCallbacks = [], patientCallbacks = [], ready = false;
  var sdk = {
    user: null, currentPatient: null, interaction: null,
    init: function (cb) { if (ready) cb(sdk); else readyCallbacks.push(cb); },
    onCurrentPatientChanged: function (cb) { patientCallbacks.push(cb); }
  };
  function becomeReady() { ready = true; readyCallbacks.splice(0).forEach(function (cb) { cb(sdk); }); }
  window.addEventListener('message', function (event) {
    var data = event.data || {};
    if (data.type === 'hint-sdk:context') {
      sdk.user = data.user || null; sdk.currentPatient = data.currentPatient || null; sdk.interaction = data.interaction || null;
      becomeReady();
    } else if (data.type === 'hint-sdk:patient') {
      sdk.currentPatient = data.currentPatient || null;
      patientCallbacks.forEach(function (cb) { cb(sdk.currentPatient); });
    }
  });
  window.HintSDK = sdk;
  if (window.parent && window.parent !== window) window.parent.postMessage({ type: 'hint-sdk:ready' }, '*');
  else becomeReady();
})();
`;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

interface HostPage {
  practiceName: string;
  iframeUrl: string;
  surface: string;
  user: unknown;
  patients: { id: string; name: string }[];
  current: string | null;
  interaction: { id: string } | null;
}

// Hint frames a surface at a fixed 1024×768 (the size partners design for).
function hostPage(page: HostPage): string {
  const options = page.patients
    .map((p) => `<option value="${escape(p.id)}"${p.id === page.current ? ' selected' : ''}>${escape(p.name)}</option>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Hint (emulated): ${escape(page.practiceName)}</title></head>
<body style="margin:0;font-family:sans-serif"><header style="padding:6px 10px"><strong>Hint</strong> · ${escape(page.practiceName)} · ${escape(page.surface)} ·
<label>patient <select id="patient">${options}</select></label></header>
<iframe id="app" title="Partner app" src="${escape(page.iframeUrl)}" width="1024" height="768" style="width:1024px;height:768px;border:1px solid #ccc;display:block"></iframe>
<script>
  var patients = ${json(page.patients)}, user = ${json(page.user)}, interaction = ${json(page.interaction)};
  var frame = document.getElementById('app'), select = document.getElementById('patient');
  function current() { return patients.find(function (p) { return p.id === select.value; }) || null; }
  window.addEventListener('message', function (event) {
    if (event.source === frame.contentWindow && event.data && event.data.type === 'hint-sdk:ready') {
      frame.contentWindow.postMessage({ type: 'hint-sdk:context', user: user, currentPatient: current(), interaction: interaction }, '*');
    }
  });
  select.addEventListener('change', function () {
    frame.contentWindow.postMessage({ type: 'hint-sdk:patient', currentPatient: current() }, '*');
  });
</script></body></html>`;
}

type EmbedQuery = {
  practice?: string;
  patient?: string;
  partner?: string;
  surface?: string;
  interaction?: string;
  user?: string;
  roles?: string;
};

export function sdkRoutes(app: FastifyInstance, ctx: HintContext): void {
  const { state } = ctx;
  const { partnerOf, practiceOf } = harnessLookups(ctx);

  app.get('/hint-sdk.js', async (_request, reply) =>
    reply.type('application/javascript; charset=utf-8').send(SDK_SOURCE),
  );

  // ?surface=core_page|clinical_interaction|settings, ?interaction=<id>, and the user opening the
  // app: ?user=<id> and ?roles=a,b (partner_roles; default the practice admin with ["admin"]).
  app.get<{ Querystring: EmbedQuery }>('/_emulator/embed', async (request, reply) => {
    const q = request.query;
    const practiceId = practiceOf(q.practice ?? '');
    const partnerId = partnerOf(q.partner);
    const patients = [...state.data.patients.values()]
      .filter((p) => p.practiceId === practiceId && p.archivedAt === null)
      .slice(0, 200)
      .map((p) => ({ id: p.id, name: patientName(state, p.id) }));
    const current = q.patient ?? patients[0]?.id ?? null;
    const roles = q.roles === undefined ? undefined : q.roles.split(',').filter(Boolean);
    const handshake = await performHandshake(ctx, practiceId, partnerId, {
      patientId: current ?? undefined,
      surface: q.surface,
      interactionId: q.interaction,
      user: { id: q.user, partner_roles: roles },
    });
    if (!handshake.iframeUrl) {
      throw new HintError(
        502,
        `Handshake failed (${handshake.statusCode ?? handshake.error}); register the ${handshake.surface} surface and answer {"session_key"}`,
      );
    }
    const user = handshake.payload as { user?: { id: string; name: string; email: string; partner_roles: string[] } };
    return reply.type('text/html; charset=utf-8').send(
      hostPage({
        practiceName: state.practice(practiceId).name,
        iframeUrl: handshake.iframeUrl,
        surface: handshake.surface,
        user: user.user ?? null,
        patients,
        current,
        interaction: handshake.interactionId ? { id: handshake.interactionId } : null,
      }),
    );
  });
}
