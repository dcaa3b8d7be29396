"""Re-solving in place: a loaded model changed to a scenario and solved warm gives the cold optimum."""

from __future__ import annotations

import numpy as np
import pytest

import budgetkoppeling
from budgetkoppeling.model import bouw
from budgetkoppeling.scenarios import pas_toe, scenario_namen
from budgetkoppeling.solve import OPTIMAAL, AndereVorm, Herberekening, los_op
from tests.conftest import twee_instrumenten


@pytest.fixture(scope="module")
def voorbeeld():
    return budgetkoppeling.valideer(budgetkoppeling.VOORBEELD)


@pytest.mark.parametrize("oplosser", ["highs", "cbc"])
def test_every_scenario_of_the_example_re_solved_in_place_gives_the_cold_plan(voorbeeld, oplosser):
    basis = bouw(voorbeeld)
    herberekening = Herberekening(basis, oplosser)
    eerste = herberekening.herbereken()
    assert eerste.status == OPTIMAAL
    assert basis.doel @ eerste.waarden == pytest.approx(los_op(basis, oplosser).doelwaarde, rel=1e-9)
    koud_iteraties = herberekening.iteraties
    zelfde_vorm = [n for n in scenario_namen(voorbeeld)[1:] if pas_toe(voorbeeld, n).max_verschuiving is None]
    assert len(zelfde_vorm) == 5  # the band adds rows: that scenario is another model (test below)
    for naam in zelfde_vorm:
        model = bouw(pas_toe(voorbeeld, naam))
        assert herberekening.pas_aan(model) > 0, naam  # every scenario changes some number
        warm = herberekening.herbereken()
        assert warm.status == OPTIMAAL, naam
        koud = los_op(bouw(pas_toe(voorbeeld, naam)), oplosser)
        assert model.doel @ warm.waarden == pytest.approx(koud.doelwaarde, rel=1e-6), naam
        # and the same plan, euro for euro: both end with the second phase on the same optimal face
        assert np.max(np.abs(warm.waarden - koud.kolomwaarden)) < 0.05, naam
        # the warm plan satisfies the scenario's own rows and bounds
        activiteit = model.matrix("csr") @ warm.waarden
        onder, boven = model.rijgrenzen()
        schaal = np.maximum(1.0, np.abs(np.where(np.isfinite(boven), boven, onder)))
        assert np.all(activiteit <= boven + 1e-6 * schaal) and np.all(activiteit >= onder - 1e-6 * schaal), naam
    assert koud_iteraties > 0


def test_a_model_of_another_shape_is_refused(voorbeeld, werkboek):
    herberekening = Herberekening(bouw(voorbeeld), "highs")
    ander = budgetkoppeling.valideer(werkboek(twee_instrumenten()))
    with pytest.raises(AndereVorm, match="andere vorm"):
        herberekening.pas_aan(bouw(ander))
    with pytest.raises(AndereVorm, match="andere vorm"):  # the same input with a band: more rows
        herberekening.pas_aan(bouw(pas_toe(voorbeeld, "Stap van 20%")))


def test_the_second_phases_preference_is_made_once_per_shape_and_anew_for_other_input(voorbeeld):
    """A what-if move changes numbers only: the preference of the second phase (10 ms of each move) is
    kept while what it reads stays the same, and made anew when today's split, which step (2) starts
    from, is another."""
    import copy

    from budgetkoppeling.model import jaarverschil
    from budgetkoppeling.solve import financieringsvoorkeur

    herberekening = Herberekening(bouw(voorbeeld), "highs")
    assert herberekening.herbereken().status == OPTIMAAL
    eerste = herberekening._voorkeur_van[1]
    naam = next(n for n in scenario_namen(voorbeeld)[1:] if pas_toe(voorbeeld, n).max_verschuiving is None)
    herberekening.pas_aan(bouw(pas_toe(voorbeeld, naam)))
    assert herberekening.herbereken().status == OPTIMAAL
    assert herberekening._voorkeur_van[1] is eerste
    ander = copy.deepcopy(voorbeeld)
    (r, i, g, t), aantal = next((k, a) for k, a in ander.huidige_verdeling.items() if k[3] == ander.start)
    ander.huidige_verdeling[(r, i, g, t)] = aantal + 100.0
    model = bouw(ander)
    herberekening.pas_aan(model)  # the same shape: today's split is only step (2)'s starting point
    assert herberekening.herbereken().status == OPTIMAAL
    nieuw = herberekening._voorkeur_van[1]
    assert nieuw is not eerste
    assert np.array_equal(nieuw.verschil.vast, jaarverschil(model).vast)
    assert not np.array_equal(nieuw.verschil.vast, eerste.verschil.vast)
    assert np.array_equal(nieuw.kosten, financieringsvoorkeur(model).kosten)


def test_a_budget_changed_in_place_in_clp_gives_the_cold_plan(voorbeeld):
    """A budget row's bounds go to the loaded Clp in place (no reload, the substituted LP kept); the plan
    is the cold one, also for a cut that makes the basis infeasible and a rise after it."""
    from budgetkoppeling.scenarios import pas_rijen_toe

    herberekening = Herberekening(bouw(voorbeeld), "cbc")
    assert herberekening.herbereken().status == OPTIMAAL
    geladen = herberekening._vrij
    assert geladen is not None  # the national example's LP without cost columns
    for fonds, factor in (("ESF+", 0.6), ("Participatiebudget", 1.2), ("ESF+", 1.0)):
        invoer = pas_rijen_toe(voorbeeld, [{"scenario": "s", "aanpassing": "budget", "fonds": fonds, "factor": factor,
                                            "regio": None, "gemeente": None, "jaar": None}], "s", basis=voorbeeld)
        model = bouw(invoer)
        assert herberekening.pas_aan(model) > 0
        assert herberekening._vrij is geladen and not herberekening._alleen_kosten  # changed in place
        warm = herberekening.herbereken()
        koud = los_op(bouw(invoer), "cbc")
        assert warm.status == OPTIMAAL
        assert model.doel @ warm.waarden == pytest.approx(koud.doelwaarde, rel=1e-9), (fonds, factor)
        assert np.max(np.abs(warm.waarden - koud.kolomwaarden)) < 0.05, (fonds, factor)
