// The pokédex, the Pokémon Manager and the Trainer Manager: a real process, a real PostgreSQL, the
// PokeAPI double. Bad input is a 400 naming the field, and changes nothing.
import type { PokemonUnderTest, Json } from './support';
import { OU_SETS, Player, startPokemonUnderTest } from './support';

let t: PokemonUnderTest;

beforeAll(async () => {
  t = await startPokemonUnderTest();
});

afterAll(async () => {
  await t?.stop();
});

const count = async (table: string) =>
  // nosemgrep: gameday.sql-built-from-strings -- the tests pass literal table names
  Number((await t.db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

describe('the pokédex', () => {
  it('pages through every generation 9 species in national-number order', async () => {
    const p = new Player(t.service);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: Json } = await p.call(
        'GET',
        `/species?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...(res.body.items as Json[]).map((s) => Number(s.national_number)));
      cursor = res.body.next_cursor as string | null;
    } while (cursor);
    expect(seen.length).toBeGreaterThan(700);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('filters by type, ability, move, generation and name', async () => {
    const p = new Player(t.service);
    const res = await p.call('GET', '/species?type=electric&move=thunderbolt&generation=1&q=chu&limit=50');
    expect(res.status).toBe(200);
    const names = (res.body.items as Json[]).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['Pikachu', 'Raichu']));
    for (const s of res.body.items as Json[]) expect(s.types).toContain('Electric');
    const levitate = await p.call('GET', '/species?ability=levitate&limit=100');
    expect((levitate.body.items as Json[]).map((s) => s.name)).toContain('Rotom');
  });

  it('answers a species with its learnset, enriched from PokeAPI (the double), and by number', async () => {
    const p = new Player(t.service);
    const res = await p.call('GET', '/species/pikachu');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'pikachu',
      national_number: 25,
      types: ['Electric'],
      base_stats: { hp: 35, attack: 55, defense: 40, special_attack: 50, special_defense: 50, speed: 90 },
      enrichment_status: 'fresh',
      enrichment: {
        habitat: expect.any(String),
        evolution_chain: ['pichu', 'pikachu', 'raichu'],
        sprites: { front_default: expect.stringMatching(/\/25\.png$/) },
        flavor_text: expect.stringContaining('Pikachu'),
      },
    });
    expect(res.body.learnset).toContain('thunderbolt');
    expect((await p.call('GET', '/species/25')).body.id).toBe('pikachu');
  });

  it('refuses unknown filters and species with a 4xx naming the field', async () => {
    const p = new Player(t.service);
    const bad = await p.call('GET', '/species?type=plasma');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'type' })]);
    expect((await p.call('GET', '/species?cursor=nonsense')).body.errors).toEqual([
      expect.objectContaining({ field: 'cursor' }),
    ]);
    expect((await p.call('GET', '/species?limit=0')).status).toBe(400);
    expect((await p.call('GET', '/species/missingno')).status).toBe(404);
    expect((await p.call('GET', '/moves/notamove')).status).toBe(404);
  });

  it('lists moves, abilities, types, natures and formats', async () => {
    const p = new Player(t.service);
    const moves = await p.call('GET', '/moves?type=fire&category=special&limit=5');
    expect(moves.status).toBe(200);
    expect((moves.body.items as Json[]).every((m) => m.type === 'Fire' && m.category === 'Special')).toBe(
      true,
    );
    expect(moves.body.next_cursor).toEqual(expect.any(String));
    const next = await p.call(
      'GET',
      `/moves?type=fire&category=special&limit=5&cursor=${String(moves.body.next_cursor)}`,
    );
    expect(String((next.body.items as Json[])[0]!.id) > String((moves.body.items as Json[])[4]!.id)).toBe(
      true,
    );
    expect((await p.call('GET', '/types')).body.items).toContainEqual(
      expect.objectContaining({ name: 'Water', damage_taken: expect.objectContaining({ Electric: 2 }) }),
    );
    expect((await p.call('GET', '/natures')).body.items).toContain('Adamant');
    expect((await p.call('GET', '/formats')).body).toMatchObject({ default: 'gen9ou' });
    expect(((await p.call('GET', '/abilities')).body.items as Json[]).length).toBeGreaterThan(250);
  });
});

describe('a trainer’s Pokémon', () => {
  it('creates, reads, replaces with If-Match and deletes a Pokémon', async () => {
    const p = new Player(t.service);
    const created = await p.call('POST', '/trainers/me/pokemon', OU_SETS[3]);
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"v1"');
    expect(created.body).toMatchObject({
      species: 'Pikachu',
      nickname: 'Sparky',
      level: 50,
      ability: 'Static',
      item: 'Light Ball',
      moves: ['Thunderbolt', 'Volt Switch', 'Grass Knot', 'Surf'],
      evs: { hp: 0, attack: 0, defense: 0, special_attack: 252, special_defense: 4, speed: 252 },
      ivs: { hp: 31, speed: 31 },
    });
    const path = `/trainers/me/pokemon/${String(created.body.id)}`;
    const changed = { ...OU_SETS[3], level: 55 };
    expect((await p.call('PUT', path, changed)).status).toBe(428);
    const replaced = await p.call('PUT', path, changed, { 'if-match': '"v1"' });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('etag')).toBe('"v2"');
    // A second writer who read v1 loses: 412, nothing changed.
    const stale = await p.call('PUT', path, { ...OU_SETS[3], level: 60 }, { 'if-match': '"v1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.current_etag).toBe('"v2"');
    expect((await p.call('GET', path)).body.level).toBe(55);
    // Another player sees nothing of it.
    expect((await new Player(t.service).call('GET', path)).status).toBe(404);
    expect((await p.call('DELETE', path, undefined, { 'if-match': '"v1"' })).status).toBe(412);
    expect((await p.call('DELETE', path, undefined, { 'if-match': '"v2"' })).status).toBe(204);
    expect((await p.call('GET', path)).status).toBe(404);
  });

  it.each<[string, Json, string]>([
    ['an unknown species', { ...OU_SETS[3], species: 'Agumon' }, 'species'],
    ['a move the species cannot learn', { ...OU_SETS[3], moves: ['Thunderbolt', 'Spore'] }, 'moves.1'],
    ['a move that does not exist', { ...OU_SETS[3], moves: ['Thunderbolt', 'Hyper Laser'] }, 'moves.1'],
    ['an ability of another species', { ...OU_SETS[3], ability: 'Levitate' }, 'ability'],
    ['level 0', { ...OU_SETS[3], level: 0 }, 'level'],
    ['level 101', { ...OU_SETS[3], level: 101 }, 'level'],
    ['an EV over 252', { ...OU_SETS[3], evs: { speed: 253 } }, 'evs.speed'],
    ['EVs over 510 in total', { ...OU_SETS[3], evs: { hp: 252, attack: 252, defense: 252 } }, 'evs'],
    ['an IV over 31', { ...OU_SETS[3], ivs: { hp: 32 } }, 'ivs.hp'],
    ['a nickname of 19 characters', { ...OU_SETS[3], nickname: 'S'.repeat(19) }, 'nickname'],
    ['a nickname with a control character', { ...OU_SETS[3], nickname: 'Spar\u0007ky' }, 'nickname'],
    [
      'five moves',
      { ...OU_SETS[0], moves: ['Earthquake', 'Dragon Claw', 'Swords Dance', 'Stone Edge', 'Fire Fang'] },
      'moves',
    ],
    ['the same move twice', { ...OU_SETS[3], moves: ['Thunderbolt', 'Thunderbolt'] }, 'moves.1'],
    ['an unknown item', { ...OU_SETS[3], item: 'Master Sword' }, 'item'],
    ['an unknown nature', { ...OU_SETS[3], nature: 'Grumpy' }, 'nature'],
    ['an unknown field', { ...OU_SETS[3], friendship: 255 }, 'friendship'],
  ])('refuses %s with a 400 naming the field, and creates nothing', async (_what, body, field) => {
    const p = new Player(t.service);
    const before = await count('pokemon');
    const res = await p.call('POST', '/trainers/me/pokemon', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(await count('pokemon')).toBe(before);
  });
});

describe('teams', () => {
  it('builds a team for a format, exports it in Showdown text and imports it back', async () => {
    const p = new Player(t.service);
    const team = await p.team(3);
    expect(team).toMatchObject({ format: 'gen9ou', version: 1 });
    expect(team.members as Json[]).toHaveLength(3);
    const exported = await p.call('GET', `/trainers/me/teams/${String(team.id)}/export`);
    expect(exported.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(exported.text).toContain('Garchomp @ Leftovers');
    expect(exported.text).toContain('- Swords Dance');
    const imported = await p.call('POST', '/trainers/me/teams/import', {
      name: 'Copy',
      format: 'gen9ou',
      text: exported.text,
    });
    expect(imported.status).toBe(201);
    expect((imported.body.members as Json[]).map((m) => m.species)).toEqual([
      'Garchomp',
      'Corviknight',
      'Rotom-Wash',
    ]);
    const again = await p.call('GET', `/trainers/me/teams/${String(imported.body.id)}/export`);
    expect(again.text).toBe(exported.text);
  });

  it('refuses seven members, a stranger’s Pokémon, a banned species and a Pokémon still in a team', async () => {
    const p = new Player(t.service);
    const team = await p.team(2);
    const ids = team.pokemon as string[];
    const teamsBefore = await count('teams');
    const seven = await p.call('POST', '/trainers/me/teams', {
      name: 'Too many',
      pokemon: [...ids, ...Array.from({ length: 5 }, () => crypto.randomUUID())],
    });
    expect(seven.status).toBe(400);
    expect(seven.body.errors).toEqual([expect.objectContaining({ field: 'pokemon' })]);
    const stranger = await new Player(t.service).pokemon(OU_SETS[0]!);
    const foreign = await p.call('POST', '/trainers/me/teams', {
      name: 'Theft',
      pokemon: [ids[0], stranger.id],
    });
    expect(foreign.body.errors).toEqual([expect.objectContaining({ field: 'pokemon.1' })]);
    const koraidon = await p.pokemon({
      species: 'Koraidon',
      ability: 'Orichalcum Pulse',
      level: 72,
      moves: ['Flare Blitz', 'Collision Course'],
    });
    const banned = await p.call('POST', '/trainers/me/teams', {
      name: 'Uber',
      pokemon: [ids[0], koraidon.id],
    });
    expect(banned.status).toBe(400);
    expect(banned.body.errors).toEqual([
      expect.objectContaining({ field: 'pokemon.1', detail: expect.stringContaining('Uber') }),
    ]);
    // The same team is fine in Ubers.
    const ubers = await p.call('POST', '/trainers/me/teams', {
      name: 'Uber',
      format: 'gen9ubers',
      pokemon: [ids[0], koraidon.id],
    });
    expect(ubers.status).toBe(201);
    expect(await count('teams')).toBe(teamsBefore + 1);
    const inTeam = await p.call('DELETE', `/trainers/me/pokemon/${ids[0]}`, undefined, { 'if-match': '*' });
    expect(inTeam.status).toBe(409);
  });

  it('refuses an import that is not Showdown text, or has seven Pokémon, and creates nothing', async () => {
    const p = new Player(t.service);
    const before = await count('pokemon');
    const junk = await p.call('POST', '/trainers/me/teams/import', { name: 'Junk', text: '\n\n' });
    expect(junk.status).toBe(400);
    expect(junk.body.errors).toEqual([expect.objectContaining({ field: 'text' })]);
    const one = 'Pikachu @ Light Ball\nAbility: Static\n- Thunderbolt\n\n';
    const seven = await p.call('POST', '/trainers/me/teams/import', { name: 'Seven', text: one.repeat(7) });
    expect(seven.status).toBe(400);
    const illegal = await p.call('POST', '/trainers/me/teams/import', {
      name: 'Bad',
      text: 'Pikachu @ Light Ball\nAbility: Static\n- Spore\n',
    });
    expect(illegal.body.errors).toEqual([expect.objectContaining({ field: 'pokemon.0.moves.0' })]);
    expect(await count('pokemon')).toBe(before);
  });

  it('names the trainer and shows the profile to others', async () => {
    const p = new Player(t.service);
    expect((await p.call('PUT', '/trainers/me', { name: 'Ash Ketchum' })).status).toBe(201);
    expect((await p.call('PUT', '/trainers/me', { name: 'Ash' })).status).toBe(200);
    expect((await p.call('PUT', '/trainers/me', { name: 'A\u202eB' })).status).toBe(400);
    const seen = await new Player(t.service).call('GET', `/trainers/${p.id}`);
    expect(seen.body).toMatchObject({ id: p.id, name: 'Ash', ratings: [] });
  });
});
