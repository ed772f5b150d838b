/** A person's name part as displayed, with the lower-case ASCII form used in logins and e-mail addresses. */
export interface Name {
  readonly display: string;
  readonly slug: string;
}

const names = (list: string): readonly Name[] =>
  list.split(',').map((display) => ({
    display,
    slug: display
      .normalize('NFD')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase(),
  }));

/** A mixed international list of first names. */
export const FIRST_NAMES = names(
  'James,Mary,Robert,Patricia,John,Jennifer,Michael,Linda,David,Elizabeth,William,Barbara,Richard,Susan,Joseph,Jessica,' +
    'Thomas,Sarah,Christopher,Karen,Daniel,Lisa,Matthew,Nancy,Anthony,Betty,Mark,Sandra,Steven,Ashley,Andrew,Emily,' +
    'Joshua,Michelle,Kevin,Amanda,Brian,Melissa,George,Stephanie,Wei,Li,Hiroshi,Yuki,Priya,Rahul,Ananya,Arjun,' +
    'Mohammed,Fatima,Omar,Aisha,José,María,Carlos,Lucía,Javier,Sofía,Pierre,Camille,Louis,Chloé,Hans,Anna,Lukas,Lena,' +
    'Sven,Ingrid,Søren,Freja,Giulia,Marco,Francesca,Luca,Olga,Ivan,Natalia,Dmitri,Kwame,Amara,Chinedu,Zanele,Mateus,' +
    'Beatriz,Thiago,Ana,Sean,Siobhan,Niamh,Liam,Noah,Emma,Olivia,Ava,Ethan,Mia,Zoë,Kenji,Mei,Jin,Seo-yeon,Min-jun',
);

/** A mixed international list of last names. */
export const LAST_NAMES = names(
  'Smith,Johnson,Williams,Brown,Jones,Garcia,Miller,Davis,Rodriguez,Martinez,Hernandez,Lopez,Gonzalez,Wilson,Anderson,' +
    'Thomas,Taylor,Moore,Jackson,Martin,Lee,Perez,Thompson,White,Harris,Sanchez,Clark,Ramirez,Lewis,Robinson,Walker,' +
    'Young,Allen,King,Wright,Scott,Torres,Nguyen,Hill,Flores,Green,Adams,Nelson,Baker,Hall,Rivera,Campbell,Mitchell,' +
    'Carter,Roberts,Wang,Zhang,Chen,Liu,Yamamoto,Tanaka,Sato,Kim,Park,Choi,Patel,Sharma,Singh,Gupta,Khan,Ahmed,Ali,' +
    'Hassan,Müller,Schmidt,Schneider,Fischer,Weber,Dubois,Lefèvre,Moreau,Laurent,Rossi,Russo,Ferrari,Esposito,Bianchi,' +
    'Jensen,Nielsen,Hansen,Johansson,Andersson,Kowalski,Nowak,Ivanov,Petrov,Okafor,Mensah,Dlamini,Silva,Santos,' +
    'Oliveira,Costa,Murphy,Kelly,OBrien,Walsh,Van der Berg,De Jong,Novák,Horváth',
);

/** Middle names are drawn as initials. */
export const MIDDLE_INITIALS = 'ABCDEFGHJKLMNPRSTW'.split('');
