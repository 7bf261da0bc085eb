// Common English given-name diminutives. A name may belong to several groups (Alex is
// Alexander or Alexandra; Chris is Christopher, Christine or Christina), so two names are
// aliases when their groups intersect. Written as "formal: nicknames…" lines, compact to
// read and to extend; parsed once at module load.

const TABLE = `
abigail: abby abbie gail
abraham: abe bram
adrian: ade
albert: al bert bertie
alexander: alex alec alexa sandy xander lex al
alexandra: alex alexa sandra sandy lexi allie
alfred: al alf alfie fred freddie
alice: ally allie elsie
alison: ali allie ally
amanda: mandy manda
andrew: andy drew
angela: angie
anne: ann annie nan nancy
anthony: tony ant
antoinette: toni netty
archibald: archie
arnold: arnie
arthur: art artie
barbara: barb barbie babs
barnaby: barney
benedict: ben benny
benjamin: ben benji benny
bernard: bernie barney
beverley: bev
bradley: brad
brian: bri
bridget: bridie biddy
caroline: carol carrie caz
catherine: cathy cath cate kate katie kathy kat kitty
charles: charlie chas chuck chaz
charlotte: charlie lottie lotte
christina: chris chrissy tina
christine: chris chrissy tina
christopher: chris kit topher
clifford: cliff
cynthia: cindy
daniel: dan danny
daniela: dani
david: dave davey davy
deborah: deb debbie debby
dennis: den denny
dominic: dom
donald: don donny
dorothy: dot dottie dolly
douglas: doug
edward: ed eddie ted teddy ned
eleanor: ellie nell nora
elizabeth: liz lizzie libby beth betty bess bessie eliza elsie lisa ellie betsy
emily: em emmy millie
emma: em emmy
eugene: gene
evelyn: evie
florence: flo florrie
frances: fran fanny frankie
francis: frank frankie
frederick: fred freddie freddy
gabriel: gabe
gabrielle: gabby gabi
geoffrey: geoff jeff
gerald: gerry jerry
geraldine: gerry
gregory: greg
harold: harry hal
harriet: hattie
helen: nell nellie
henry: harry hank hal
herbert: herb bert
hugh: hughie
isaac: ike
isabella: bella izzy isabel
jacob: jake jack
jacqueline: jackie jacqui
james: jim jimmy jamie jem
jane: janie jenny
janet: jan jenny
jeffrey: jeff
jennifer: jen jenny jenn
jeremy: jerry jez
jessica: jess jessie
joanna: jo joanne
joanne: jo jojo
johanna: jo hanna
john: jack johnny jon
jonathan: jon jonny nathan
joseph: joe joey jo
josephine: jo josie
joshua: josh
judith: judy jude
julia: jules julie
julian: jules
katherine: kate kathy katie kat kitty kath
kathleen: kath kathy kate
kenneth: ken kenny
kimberley: kim
kimberly: kim
lawrence: larry laurie lawrie
leonard: len lenny leo
leslie: les
lewis: lew lou
louis: lou louie
louise: lou lulu
lucinda: lucy cindy
madeline: maddie maddy
madison: maddie maddy
margaret: maggie meg peggy marge margie greta maisie molly madge
marjorie: marge margie
martin: marty
mary: molly polly mae mamie
matilda: tilly tilda mattie
matthew: matt matty
maximilian: max
maxwell: max
melissa: mel missy
michael: mike mick mickey micky mikey
michelle: shelly michy
mitchell: mitch
nathan: nate nat
nathaniel: nat nate nathan
nicholas: nick nicky nico
nicola: nicky nikki
nicole: nicky nikki
oliver: ollie
olivia: liv livvy ollie
patricia: pat patty trish tricia
patrick: pat paddy
penelope: penny
peter: pete
philip: phil pip
phillip: phil pip
rachel: rach
raymond: ray
rebecca: becky becca bec
richard: rick ricky rich dick richie
robert: bob bobby rob robbie bert bertie
roberta: bobbie robbie
rodney: rod
ronald: ron ronnie
rosalind: ros roz
rosemary: rose rosie
samantha: sam sammy
samuel: sam sammy
sarah: sally sadie
sebastian: seb
sharon: shaz
simon: si
sophia: sophie
stanley: stan
stephanie: steph stevie
stephen: steve stevie
steven: steve stevie
stuart: stu
susan: sue susie suzy
suzanne: sue suzie
terence: terry
teresa: terry tess tessa tessie
theodore: ted teddy theo
thomas: tom tommy
timothy: tim timmy
tobias: toby
valerie: val
veronica: ronnie vera
victor: vic
victoria: vicky tori vic
vincent: vince vinnie
walter: walt wally
william: bill billy will willy liam
winifred: winnie
zachary: zach zack
`;

function parseTable(table: string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  const add = (name: string, group: number) => {
    const list = groups.get(name);
    if (!list) groups.set(name, [group]);
    else if (!list.includes(group)) list.push(group);
  };
  table
    .trim()
    .split('\n')
    .forEach((line, group) => {
      const [formal, rest] = line.split(':') as [string, string | undefined];
      add(formal.trim(), group);
      for (const nick of (rest ?? '').trim().split(/\s+/)) if (nick) add(nick, group);
    });
  return groups;
}

const GROUPS = parseTable(TABLE);

/** The nickname groups a (folded, single-token) given name belongs to; empty when none. */
export function nicknameGroups(name: string): readonly number[] {
  return GROUPS.get(name) ?? [];
}

/** Whether two given names are known forms of one name (Bob / Robert, Liz / Beth). */
export function areNicknames(a: string, b: string): boolean {
  const ga = GROUPS.get(a);
  const gb = GROUPS.get(b);
  if (!ga || !gb) return false;
  return ga.some((g) => gb.includes(g));
}

/** How many names the table knows (for the docs and a sanity test). */
export const NICKNAME_TABLE_SIZE = GROUPS.size;
