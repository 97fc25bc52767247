"""The age cap lives in the library services: every service is called directly (no view in
between) for a member with a cap, against releases above it and of unknown rating.

Writes are refused (NotFound, as if the release did not exist; an import reports them);
reads, counts and exports leave them out, also when the rows were stored before the cap
was lowered (simulated here by inserting rows straight into the tables)."""
import pytest

from anihome.catalog.agecap import member_cap
from anihome.errors import NotFound
from anihome.library import (collections, continue_watching, episodes, export_json, favorites,
                             history, lists, mal, progress, watch)
from anihome.models import (CollectionItem, Favorite, ListEntry, User, WatchEvent, WatchProgress)

from .conftest import NOW, make_episodes, make_release, make_translation, make_user


@pytest.fixture
def world(cat, owner):
    """A kid (cap 12), a parent who shares a collection, and three rated releases."""
    kid = make_user("kid")
    User.update(age_cap=12).where(User.id == kid.id).execute()
    parent = make_user("parent")
    ok = make_release("shiki:501", "Kids Show", "501", kind="tv", age_limit=6, episodes_total=2)
    adult = make_release("shiki:502", "ADULT-ONLY", "502", kind="tv", age_limit=18, episodes_total=2)
    unrated = make_release("shiki:503", "UNRATED-ONE", "503", kind="tv", age_limit=None, episodes_total=2)
    refs = {}
    for release in (ok, adult, unrated):
        tr = make_translation(release, f"serial-{release.id}00", f"Team {release.id}",
                              f"//kodik.test/serial/{release.id}/x/720p", last_season=1,
                              last_episode=2, episodes_count=2)
        make_episodes(tr, 1, 2)
        refs[release.id] = episodes.ref_for(tr, 1, 1)
    return kid, parent, ok, adult, unrated, refs


def _stored_before_the_cap(kid, release, ref):
    """Rows of every kind for ``release``, as an uncapped member (or an old import) left them."""
    ListEntry.create(user=kid.id, release=release, status="watching", manual=True,
                     created_at=NOW, updated_at=NOW, notes="hostile")
    Favorite.create(user=kid.id, release=release, created_at=NOW)
    WatchProgress.create(user=kid.id, release=release, translation=ref.translation_id, season=1,
                         number=1, position=100, duration=1400, updated_at=NOW)
    WatchEvent.create(user=kid.id, release=release, translation=ref.translation_id, season=1,
                      number=1, started_at=NOW, ended_at=NOW, position=100, completed=False)


def test_member_cap_reads_the_stored_cap_every_time(world):
    kid, *_ = world
    assert member_cap(kid.id) == 12
    User.update(age_cap=6).where(User.id == kid.id).execute()
    assert member_cap(kid.id) == 6
    assert member_cap(None) is None


def test_writes_refuse_releases_above_the_cap_and_of_unknown_rating(world):
    kid, _parent, ok, adult, unrated, refs = world
    mine = collections.create(kid.id, "Mine")
    for hidden in (adult, unrated):
        with pytest.raises(NotFound):
            lists.set_entry(kid.id, hidden.id, {"status": "planned"})
        with pytest.raises(NotFound):
            favorites.add(kid.id, hidden.id)
        with pytest.raises(NotFound):
            collections.add_item(kid.id, mine.id, hidden.id)
        with pytest.raises(NotFound):
            progress.save(kid.id, refs[hidden.id], 100, 1400)
        with pytest.raises(NotFound):
            continue_watching.hide(kid.id, hidden.id)
        with pytest.raises(NotFound):
            watch.build(kid.id, hidden.id)
        with pytest.raises(NotFound):
            lists.release_for(kid.id, hidden.id)
    assert ListEntry.select().where(ListEntry.user == kid.id).count() == 0
    assert Favorite.select().where(Favorite.user == kid.id).count() == 0
    assert CollectionItem.select().count() == 0
    assert WatchProgress.select().where(WatchProgress.user == kid.id).count() == 0
    lists.set_entry(kid.id, ok.id, {"status": "planned"})
    favorites.add(kid.id, ok.id)
    collections.add_item(kid.id, mine.id, ok.id)
    assert lists.count(kid.id) == favorites.count(kid.id) == 1


def test_mal_import_reports_releases_above_the_cap_and_imports_the_rest(world):
    kid, _parent, ok, adult, unrated, _refs = world
    xml = "<myanimelist>" + "".join(
        f"<anime><series_animedb_id>{r.shikimori_id}</series_animedb_id><series_title>t{r.id}"
        f"</series_title><my_status>Watching</my_status></anime>" for r in (ok, adult, unrated)
    ) + "</myanimelist>"
    preview = mal.plan(kid.id, xml.encode())
    assert preview.summary()["refused"] == 2 and preview.summary()["create"] == 1
    assert {r.entry.animedb_id for r in preview.refused} == {"502", "503"}
    assert all(r.release is None for r in preview.refused)  # the catalog's row is not revealed
    result = mal.apply(kid.id, xml.encode())
    assert result.summary()["refused"] == 2
    assert [e.release_id for e in ListEntry.select().where(ListEntry.user == kid.id)] == [ok.id]


def test_reads_counts_and_exports_leave_out_rows_stored_before_the_cap(world):
    kid, parent, ok, adult, unrated, refs = world
    for release in (ok, adult, unrated):
        _stored_before_the_cap(kid, release, refs[release.id])
    mine = collections.create(kid.id, "Mine")
    for release in (ok, adult, unrated):
        CollectionItem.create(collection=mine, release=release, position=release.id, added_at=NOW)
    shared = collections.create(parent.id, "Family", visibility="household")
    for release in (adult, ok):
        collections.add_item(parent.id, shared.id, release.id)

    assert [e.release_id for e in lists.entries(kid.id)] == [ok.id]
    assert lists.count(kid.id) == 1 and lists.counts_by_status(kid.id)["watching"] == 1
    assert [f.release_id for f in favorites.listing(kid.id)] == [ok.id] and favorites.count(kid.id) == 1
    assert [e.release_id for e in history.recent(kid.id)] == [ok.id] and history.count(kid.id) == 1
    rows, total = history.page(kid.id, 1, 20)
    assert [e.release_id for e in rows] == [ok.id] and total == 1
    assert [i.release.id for i in continue_watching.for_user(kid.id)] == [ok.id]
    assert continue_watching.next_up(kid.id, adult.id) is None
    assert progress.for_release(kid.id, adult.id) == []
    assert [i.release_id for i in collections.items(mine, kid.id)] == [ok.id]
    assert [c.item_count for c in collections.for_user(kid.id)] == [1]
    _row, items = collections.view(kid.id, shared.id)
    assert [i.release_id for i in items] == [ok.id]
    assert [c.item_count for c in collections.shared_with(kid.id)] == [1]
    assert [c.item_count for c in collections.shared_with(kid.id) if c.id == shared.id] == [1]
    with pytest.raises(NotFound):
        lists.own_entry(kid.id, adult.id)

    xml, _skipped = mal.export_xml(kid.id)
    assert b"ADULT-ONLY" not in xml and b"UNRATED-ONE" not in xml and b"Kids Show" in xml
    dump = repr(export_json.build(kid.id))
    assert "ADULT-ONLY" not in dump and "UNRATED-ONE" not in dump and "Kids Show" in dump

    # the parent (no cap) still sees everything in their shared collection
    assert [i.release_id for i in collections.items(shared, parent.id)] == [adult.id, ok.id]


def test_reordering_a_collection_keeps_hidden_items_after_the_visible_ones(world):
    kid, _parent, ok, adult, _unrated, _refs = world
    mine = collections.create(kid.id, "Mine")
    CollectionItem.create(collection=mine, release=adult, position=1, added_at=NOW)
    second = make_release("shiki:504", "Kids Two", "504", kind="tv", age_limit=0)
    collections.add_item(kid.id, mine.id, ok.id)
    collections.add_item(kid.id, mine.id, second.id)
    collections.reorder_items(kid.id, mine.id, [second.id, ok.id])
    order = [i.release_id for i in CollectionItem.select().order_by(CollectionItem.position)]
    assert order == [second.id, ok.id, adult.id]


def test_lowering_a_cap_hides_what_is_now_above_it_at_once(world):
    kid, _parent, ok, _adult, _unrated, _refs = world
    lists.set_entry(kid.id, ok.id, {"status": "planned"})
    favorites.add(kid.id, ok.id)
    User.update(age_cap=0).where(User.id == kid.id).execute()
    assert lists.entries(kid.id) == [] and favorites.listing(kid.id) == []
