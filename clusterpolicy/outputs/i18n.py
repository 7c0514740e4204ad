"""English and Dutch for everything a person reads: the one place for translations.

English labels come from the declarations themselves (``model.metrics.OUTCOMES`` for outcomes,
``model.params.declarations()`` for parameters, ``params.LEVER_GROUPS`` for lever groups), so they are
written once; this module adds the Dutch, and the English and Dutch of texts that belong to no
declaration (buttons, headings, messages), by message id.

Use:

- :func:`label` for an outcome name (``members``), a dotted parameter key (``policy.privileged_share``),
  a lever group (``cofinancing``) or an organisation kind (``spearhead``);
- :func:`text` for a message by id, with ``str.format`` fields (``text("quarter_of", "nl", q=3, n=40)``);
- :func:`choice` for the allowed values of a categorical parameter (``strict``, ``jury``, ...);
- :func:`unit` for a unit as declared (``EUR/yr``, ``share``, ...);
- :func:`event` for an organisation's history entry as the model writes it;
- :func:`suffix` and :func:`axis` for the words of :mod:`clusterpolicy.outputs.format` (``m``, ``pts``,
  ``€ million per year``);
- :func:`scenario_label` for a scenario's short label, :func:`phrase` for a text written in a shipped file
  (a scenario's description; a hypothesis's title, statement, source, why).

The reports' texts are messages too (``MESSAGES``, the ids of each report prefixed ``cmp_``, ``hyp_``,
``co_``, ``add_``; shared ones ``rep_``).

A missing Dutch entry falls back to English, so a new outcome or parameter never breaks a page; the tests
list what must be translated (every lever, every outcome, every message).
"""

from __future__ import annotations

import functools
import re

LANGS = ("en", "nl")
DEFAULT_LANG = "en"


def lang_argument(lang: str) -> str:
    """A study's ``lang`` argument, checked before anything runs.

    Raises:
        InputError: ``lang: 'fr': one of en, nl`` (the command line names its option).
    """
    from clusterpolicy.inputs.checks import check_argument

    return str(check_argument("lang", lang, lambda v: None if v in LANGS else f"one of {', '.join(LANGS)}"))


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is supported.

    Raises:
        ValueError: naming the supported languages.
    """
    if lang not in LANGS:
        raise ValueError(f"{lang!r}: one of {', '.join(LANGS)}")
    return lang


# --------------------------------------------------------------------------- outcomes (Dutch)
OUTCOME_NL = {
    "members": "leden (bedrijven)",
    "members_sme": "kmo-leden",
    "sme_member_share": "aandeel kmo's onder de leden",
    "sme_participation_rate": "kmo's in een cluster (aandeel van alle kmo's)",
    "spearheads_active": "actieve speerpuntclusters",
    "ibns_active": "actieve IBN's",
    "spearheads_recognised_total": "erkenningen als speerpuntcluster",
    "ibns_recognised_total": "erkenningen als IBN",
    "grants_lapsed_total": "subsidies vervallen door de storting",
    "clusters_stopped_evaluation_total": "gestopt na evaluatie",
    "clusters_self_sustaining": "zelfbedruipende organisaties",
    "public_share_cluster_budgets": "publiek aandeel in de clusterbudgetten",
    "projects_privileged_funded_total": "projecten uit de bevoorrechte pot",
    "projects_individual_funded_total": "gesteunde individuele bedrijfsprojecten",
    "projects_ibn_funded_total": "gesteunde IBN-projecten",
    "proposals_rejected_budget_total": "voorstellen afgewezen wegens budget",
    "proposals_crowded_out_total": "verdrongen voorstellen",
    "public_operating_spend_total": "betaalde werkingssubsidies",
    "public_project_spend_total": "betaalde projectsubsidies",
    "private_cofinancing_total": "cofinanciering door de leden",
    "eu_funding_total": "binnengehaald EU-geld",
    "funding_gini": "concentratie van het projectgeld (Gini, 0 = gelijk)",
    "sme_share_project_funding": "aandeel kmo's in het projectgeld",
    "business_rd": "O&O-uitgaven van bedrijven",
    "rd_intensity": "O&O-intensiteit (aandeel van het bbp)",
    "innovations_total": "innovaties",
    "collaboration_links": "samenwerkingsverbanden",
    "members_spearhead": "leden van speerpuntclusters",
    "members_ibn": "leden van IBN's",
    "organisations_alive": "bestaande clusterorganisaties",
    "ibns_upgraded_total": "IBN's die speerpuntcluster werden",
    "clusters_dissolved_total": "opgeheven organisaties",
    "members_expelled_total": "leden uitgesloten wegens onbetaalde bijdragen",
    "projects_cluster_open_funded_total": "speerpuntprojecten uit de open pot",
    "privileged_project_spend_total": "betaald bevoorrecht projectgeld",
    "private_cash_cofinancing_total": "cofinanciering in geld door de leden",
    "private_project_match_total": "private inbreng in projecten",
    "business_rd_nonmembers": "O&O-uitgaven van niet-leden",
    "rd_per_member_firm": "O&O per lid",
    "rd_per_nonmember_firm": "O&O per niet-lid",
    "mean_selected_quality": "kwaliteit van de erkende clusters",
    "gdp": "bbp",
    "memberships": "lidmaatschappen",
    "memberships_spearhead": "lidmaatschappen van speerpuntclusters",
    "members_multi_share": "leden van meer dan één organisatie",
    "sme_share_spearhead_members": "aandeel kmo's onder de leden van speerpuntclusters",
    "members_in_eu_projects": "leden in Europese projecten",
    "cluster_orgs_alive": "onder het beleid erkende organisaties die nog bestaan",
    "spearhead_size_median": "leden van de mediane speerpuntcluster",
    "spearhead_size_max": "leden van de grootste speerpuntcluster",
    "ibns_alive_after_support": "IBN's die na hun steun nog bestaan",
    "orgs_past_sunset_total": "organisaties voorbij de uitdoving",
    "sunset_survival_1y": "bestaat nog een jaar na de uitdoving",
    "sunset_survival_2y": "bestaat nog twee jaar na de uitdoving",
    "sunset_members_retained_1y": "leden behouden een jaar na de uitdoving",
    "sunset_members_retained_2y": "leden behouden twee jaar na de uitdoving",
    "sunset_budget_replaced_1y": "budget dat de leden een jaar na de uitdoving dragen",
    "mean_excellence": "excellentie van de erkende organisaties",
    "self_financing_spearheads": "zelffinanciering van de speerpuntclusterorganisaties",
    "public_per_member_year": "werkingssubsidie per lid en per jaar",
    "cluster_project_spend_total": "projectmiddelen voor speerpuntprojecten",
    "reserved_idle_total": "ongebruikte voorbehouden middelen",
    "reserved_idle": "ongebruikte voorbehouden middelen in de laatste oproep",
    "reserved_released_total": "voorbehouden middelen vrijgegeven voor de open pot",
    "project_envelope": "projectenveloppe",
    "public_vis_spend_total": "betaalde VIS-steun",
    "public_money_recovered_total": "subsidie teruggestort door opgeheven organisaties",
    "eu_funding_members_total": "Europese middelen binnengehaald door leden",
    "firms_funded_last_call": "bedrijven met een bedrijfsproject in de laatste oproep",
    "vis_projects_total": "gesteunde VIS-projecten",
    "sme_project_participations_total": "deelnames van kmo's aan gesteunde projecten",
    "follower_project_participations_total": "deelnames van innovatievolgers aan gesteunde projecten",
    "business_rd_own": "O&O van bedrijven uit eigen middelen",
    "business_rd_project_subsidy": "O&O van bedrijven uit projectsteun",
    "business_rd_eu": "O&O van bedrijven uit Europese steun",
    "rd_gap_to_norm": "O&O-intensiteit min de 3 %-norm",
    "innovations_sme_total": "innovaties van kmo's",
    "innovations_follower_total": "innovaties van innovatievolgers",
    "knowledge_followers": "kennis van de innovatievolgers",
}

# --------------------------------------------------------------------------- parameters (Dutch)
PARAM_NL = {
    # simulation and population
    "simulation.start": "eerste geregistreerde kwartaal (het beleid start hier)",
    "simulation.quarters": "aantal geregistreerde kwartalen",
    "simulation.burn_in_quarters": "niet geregistreerde kwartalen van het regime vóór het beleid",
    "population.n_firms": "O&O-relevante bedrijven",
    "population.sme_share": "aandeel kmo's (< 250 werknemers) onder de bedrijven",
    "population.follower_share": "aandeel kmo's dat innovatievolger is (weinig eigen O&O)",
    "population.n_domains": "technologie- en marktdomeinen waarrond clusters ontstaan",
    "population.domain_concentration": "Dirichlet-concentratie van de domeingroottes (klein = ongelijk)",
    "population.domain_strength_alpha": "Beta(alfa, beta) van de sterkte van een domein: alfa",
    "population.domain_strength_beta": "Beta(alfa, beta) van de sterkte van een domein: beta",
    "population.second_domain_prob_large": "kans dat een groot bedrijf ook in een tweede domein actief is",
    "population.second_domain_prob_sme": "kans dat een kmo ook in een tweede domein actief is",
    "population.business_rd": "O&O-uitgaven van bedrijven bij de start",
    "population.rd_sigma": "log-sd van de O&O van bedrijven binnen een grootteklasse (concentratie)",
    "population.large_rd_ratio": "mediane O&O van een groot bedrijf t.o.v. die van een kmo",
    "population.follower_rd_ratio": "mediane O&O van een innovatievolger t.o.v. die van andere kmo's",
    "population.capability_rd_weight": "gewicht van de (gestandaardiseerde log-)O&O-omvang in het vermogen "
    "van een bedrijf (logitschaal)",
    "population.capability_noise": "sd van de rest van het vermogen van een bedrijf (logitschaal)",
    "population.cash_income_large": "vrije middelen die een groot bedrijf aan samenwerkingsbijdragen kan "
    "besteden (mediaan)",
    "population.cash_income_sme": "vrije middelen die een kmo aan samenwerkingsbijdragen kan besteden "
    "(mediaan)",
    "population.cash_income_sigma_large": "log-sd van de vrije middelen van grote bedrijven",
    "population.cash_income_sigma_sme": "log-sd van de vrije middelen van kmo's",
    "population.n_universities": "universiteiten",
    "population.n_research_centres": "strategische onderzoekscentra (SOC's)",
    "population.n_collective_centres": "collectieve onderzoekscentra",
    "population.university_domain_prob": "kans dat een universiteit een domein dekt",
    "population.research_centre_domain_prob": "kans dat een onderzoekscentrum een domein dekt",
    "population.collective_centre_domain_prob": "kans dat een collectief centrum een domein dekt",
    "population.university_capacity": "projecten waaraan een universiteit per jaar kan deelnemen",
    "population.research_centre_capacity": "projecten waaraan een onderzoekscentrum per jaar kan deelnemen",
    "population.collective_centre_capacity": "projecten waaraan een collectief centrum per jaar kan "
    "deelnemen",
    "population.university_excellence_alpha": "Beta(alfa, beta) van de excellentie van een universiteit: "
    "alfa",
    "population.university_excellence_beta": "Beta(alfa, beta) van de excellentie van een universiteit: beta",
    "population.research_centre_excellence_alpha": "Beta(alfa, beta) van de excellentie van een "
    "onderzoekscentrum: alfa",
    "population.research_centre_excellence_beta": "Beta(alfa, beta) van de excellentie van een "
    "onderzoekscentrum: beta",
    "population.collective_centre_excellence_alpha": "Beta(alfa, beta) van de excellentie van een "
    "collectief centrum: alfa",
    "population.collective_centre_excellence_beta": "Beta(alfa, beta) van de excellentie van een "
    "collectief centrum: beta",
    "population.n_legacy": "bestaande structuren die opnieuw moeten aanvragen of uitdoven",
    "population.legacy_members": "gemiddeld aantal leden van een bestaande structuur bij de start",
    "population.legacy_societal_share": "aandeel bestaande structuren met een vooral maatschappelijk doel",
    "population.legacy_large_weight": "hoeveel waarschijnlijker een groot bedrijf dan een kmo lid is van "
    "een bestaande structuur",
    "population.gdp": "regionaal bbp bij de start",
    "population.gdp_growth": "nominale groei van het bbp",
    "population.public_rd_share": "aandeel van de totale O&O buiten bedrijven (hoger onderwijs, overheid)",
    "population.rd_intensity_years": "jaren van het waargenomen pad van de O&O-intensiteit (GERD/bbp) "
    "zonder het gemodelleerde beleid",
    "population.rd_intensity_observed": "waargenomen O&O-intensiteit (GERD/bbp) in die jaren",
    "population.rd_intensity_growth_after": "aangenomen verandering van de O&O-intensiteit per jaar na het "
    "laatste waargenomen jaar",
    "population.rd_norm": "de norm voor de O&O-intensiteit die de regio nastreeft (3 % van het bbp)",
    "population.eu_budget": "Europees onderzoeksgeld (Horizon-programma's) dat de bedrijven van de regio "
    "per jaar kunnen binnenhalen",
    # levers
    "policy.enabled": "clusterbeleid aan",
    "policy.operating_grant_share": "publiek aandeel in het werkingsbudget",
    "policy.operating_grant_cap_spearhead": "subsidieplafond, speerpuntcluster",
    "policy.operating_grant_cap_ibn": "subsidieplafond, IBN",
    "policy.deposit_share": "vereiste storting",
    "policy.deposit_window_quarters": "termijn voor de storting",
    "policy.lapse_rule": "gemiste storting",
    "policy.lapse_tolerance": "tolerantie bij discretionaire regel",
    "policy.in_kind_share_max": "toegelaten aandeel in natura",
    "policy.in_kind_valuation": "waardering van personeelstijd",
    "policy.support_path": "steunpad",
    "policy.degressive_final_factor": "degressief: laatste jaar t.o.v. eerste",
    "policy.support_years_spearhead": "steunjaren, speerpuntcluster",
    "policy.support_years_ibn": "steunjaren, IBN",
    "policy.project_budget": "projectenveloppe",
    "policy.privileged_share": "voorbehouden voor speerpuntclusters",
    "policy.min_private_match": "private inbreng per publieke euro",
    "policy.spearhead_cap": "maximum aantal speerpuntclusters",
    "policy.ibn_max_per_call": "maximum aantal IBN's per oproep",
    "policy.selection": "selectiewijze",
    "policy.jury_noise": "ruis in het juryoordeel",
    "policy.jury_weight_valorisation": "gewicht: valorisatie",
    "policy.jury_weight_support": "gewicht: draagvlak",
    "policy.jury_weight_excellence": "gewicht: excellentie",
    "policy.min_sme_share": "minimaal aandeel kmo's",
    "policy.spearhead_min_members": "minimum aantal leden, speerpuntcluster",
    "policy.ibn_min_members": "minimum aantal leden, IBN",
    "policy.ibn_min_score": "minimale juryscore, IBN",
    "policy.evaluation_interval_years": "evaluatie om de (jaar)",
    "policy.evaluation_threshold": "evaluatiedrempel",
    "policy.ibn_to_spearhead": "IBN mag speerpuntcluster worden",
    "policy.ibn_call_quarters": "IBN-oproepen",
    "policy.spearhead_call_quarters": "beslissingen over speerpuntclusters",
    "policy.project_call_quarter": "kwartaal van de projectoproep",
    "policy.legacy_support_end": "einde van de overgangssteun",
    "policy.legacy_grant": "overgangssubsidie",
    # behavioural uncertainties
    "behaviour.subsidy_pass_through": "O&O per euro subsidie (1 min dit is verdringing)",
    "behaviour.knowledge_rd_effect": "stijging van de eigen O&O per eenheid kennis",
    "behaviour.innovation_rate": "innovatiekans per kwartaal per miljoen euro O&O per jaar",
    "behaviour.knowledge_gain_project": "kennis verworven uit een project",
    "behaviour.knowledge_gain_membership": "kennis per jaar in een excellente, volledig actieve cluster",
    "behaviour.knowledge_decay": "veroudering van kennis",
    "behaviour.service_value": "waarde van de diensten van een excellente organisatie voor een mediaan lid",
    "behaviour.network_value": "waarde van het ledennetwerk (bij 100 leden)",
    "behaviour.project_access_weight": "gewicht van verwacht bevoorrecht projectgeld voor bedrijven",
    "behaviour.eu_value": "waarde van de EU-begeleiding van een excellente organisatie",
    "behaviour.sme_money_cost": "kost voor een kmo van een euro bijdrage in geld",
    "behaviour.sme_time_cost": "kost voor een kmo van een euro personeelstijd",
    "behaviour.time_cost": "gewaardeerde tijd die een lidmaatschap vraagt",
    "behaviour.taste_sd": "spreiding van de blijvende voorkeur voor samenwerking",
    "behaviour.decision_noise": "ruis in een beslissing over lidmaatschap",
    "behaviour.join_threshold": "netto voordeel nodig om lid te worden",
    "behaviour.leave_threshold": "leden vertrekken onder dit netto voordeel",
    "behaviour.review_rate": "aandeel bedrijven dat elk kwartaal het lidmaatschap herziet",
    "behaviour.min_stay_quarters": "leden blijven minstens zo lang",
    "behaviour.pay_probability_large": "kans dat een groot lid in een kwartaal betaalt",
    "behaviour.pay_probability_sme": "kans dat een kmo met geld in een kwartaal betaalt",
    "behaviour.excellence_alpha": "Beta(alfa, beta) van de excellentie van organisaties: alfa",
    "behaviour.excellence_beta": "Beta(alfa, beta) van de excellentie van organisaties: beta",
    "behaviour.initiative_rate": "nieuwe initiatieven van onderuit per domein en oproep",
    "behaviour.propose_prob_large": "kans dat een groot bedrijf een project indient",
    "behaviour.propose_prob_sme": "kans dat een kmo een project indient",
    "behaviour.follower_propose_factor": "neiging van innovatievolgers om in te dienen, t.o.v. kmo's",
    "behaviour.cluster_projects_per_member": "clusterprojectvoorstellen per speerpuntlid en jaar",
    "behaviour.ibn_projects_per_member": "projectvoorstellen per IBN-lid en jaar",
    "behaviour.cluster_project_grant": "gemiddelde gevraagde subsidie van een speerpuntproject",
    "behaviour.ibn_project_grant": "gemiddelde gevraagde subsidie van een IBN-project",
    "behaviour.ki_partner_prob": "kans dat een clusterproject een kennisinstelling omvat",
    "behaviour.ki_grant_share": "aandeel van de projectsubsidie voor de kennisinstelling",
    "behaviour.ki_quality_bonus": "kwaliteit die een kennisinstelling aan een voorstel toevoegt",
    "behaviour.excellence_quality_bonus": "kwaliteit die een excellente clusterorganisatie toevoegt",
    "behaviour.proposal_noise": "ruis in de beoordeelde kwaliteit van een voorstel",
    "behaviour.min_proposal_quality": "voorstellen hieronder worden inhoudelijk afgewezen",
    "behaviour.project_success_rate": "projectsucces = 1 - exp(-rate * kwaliteit)",
    "behaviour.project_quarters": "looptijd van een gesteund project",
    "behaviour.max_rd_share_private": "grootste deel van zijn O&O dat een bedrijf in één project steekt",
    "behaviour.relational_weight": "extra gewicht van een vroegere partner bij het kiezen van partners",
    "behaviour.eu_apply_prob_large": "kans dat een groot bedrijf EU-geld aanvraagt",
    "behaviour.eu_apply_prob_sme": "kans dat een kmo EU-geld aanvraagt",
    "behaviour.eu_success_base": "slaagkans bij de EU zonder hulp van een cluster",
    "behaviour.eu_excellence_uplift": "relatieve stijging van de EU-slaagkans in een excellente cluster",
    "behaviour.eu_grant_mean": "gemiddelde binnengehaalde EU-subsidie",
    "policy.project_budget_growth": "groei van de enveloppe",
    "policy.privileged_mode": "regel voor de voorrang",
    "policy.privileged_score_bonus": "scorebonus",
    "policy.grant_rate_large": "steunpercentage, grote onderneming",
    "policy.grant_rate_sme": "steunpercentage, kmo",
    "policy.grant_min": "kleinste steunbedrag",
    "policy.grant_max": "grootste steunbedrag",
    "policy.operating_budget": "budget voor werkingssubsidies",
    "policy.operating_budget_spearhead_share": "waarvan speerpuntclusters",
    "policy.vis_budget": "VIS-budget",
    "policy.spearhead_recognition": "erkenning van speerpuntclusters",
    "policy.spearhead_min_score": "minimumscore, speerpuntcluster",
    "policy.evaluation_weight_excellence": "gewicht evaluatie: excellentie",
    "policy.evaluation_weight_self_financing": "gewicht evaluatie: zelffinanciering",
    "policy.evaluation_weight_success": "gewicht evaluatie: projectsucces",
    "policy.ibn_path_min_years": "IBN-pad: jaren als IBN",
    "policy.ibn_path_min_score": "IBN-pad: evaluatiescore",
    "policy.decision_lag_quarters": "beslissingstermijn",
    "policy.decisions_per_quarter": "beslissingen per kwartaal",
    "policy.pact_quarters": "onderhandeling clusterpact",
    "policy.legacy_grant_share": "aandeel overgangssubsidie",
    "policy.vis_end": "einde van VIS",
    "behaviour.service_scale_min": "kleinste schaal van de dienstverlening",
    "behaviour.service_scale_max": "grootste schaal van de dienstverlening",
    "behaviour.second_domain_relevance": "waarde van een organisatie in het tweede domein",
    "behaviour.membership_overlap": "waarde van elk bijkomend lidmaatschap",
    "behaviour.privileged_expectation_floor": "ondergrens van de verwachte voorrangsmiddelen",
    "behaviour.eu_value_sme_factor": "waarde van EU-begeleiding voor een kmo",
    "behaviour.societal_value_factor": "waarde van een structuur met maatschappelijk doel",
    "behaviour.cash_cap_years": "grootste vrije kasreserve (jaren)",
    "behaviour.org_core_cost_spearhead": "kernbudget, speerpuntclusterorganisatie",
    "behaviour.org_cost_per_member_spearhead": "budget per lid, speerpuntcluster",
    "behaviour.org_core_cost_ibn": "kernbudget, IBN",
    "behaviour.org_cost_per_member_ibn": "budget per lid, IBN",
    "behaviour.org_core_cost_legacy": "kernbudget, bestaande structuur",
    "behaviour.org_cost_per_member_legacy": "budget per lid, bestaande structuur",
    "behaviour.fee_ratio_large_spearhead": "lidgeld groot t.o.v. kmo, speerpuntcluster",
    "behaviour.fee_max_large_spearhead": "hoogste lidgeld groot lid, speerpuntcluster",
    "behaviour.fee_ratio_large_ibn": "lidgeld groot t.o.v. kmo, IBN",
    "behaviour.fee_max_large_ibn": "hoogste lidgeld groot lid, IBN",
    "behaviour.unviable_years_max": "jaren onder het kernbudget voor opheffing",
    "behaviour.excellence_gain_max": "grootste groei van excellentie",
    "behaviour.excellence_learning_years": "leertijd voor excellentie (jaren)",
    "behaviour.excellence_adjust": "aanpassing van excellentie per jaar",
    "behaviour.initiatives_max_per_domain": "maximum aantal initiatieven per domein",
    "behaviour.reach_spearhead_min": "bereik speerpuntinitiatief: laag",
    "behaviour.reach_spearhead_max": "bereik speerpuntinitiatief: hoog",
    "behaviour.reach_ibn_min": "bereik IBN-initiatief: laag",
    "behaviour.reach_ibn_max": "bereik IBN-initiatief: hoog",
    "behaviour.reach_legacy": "bereik van een bestaande structuur",
    "behaviour.valorisation_domain_weight": "gewicht van het domein in de valorisatie",
    "behaviour.support_size_weight": "gewicht van de omvang in de gedragenheid",
    "behaviour.support_full_multiple": "omvang voor volle gedragenheid (× minimum)",
    "behaviour.legacy_spearhead_multiple": "omvang waarmee een structuur speerpunt ambieert",
    "behaviour.initiative_hazard": "kans op een nieuw speerpuntinitiatief per kwartaal",
    "behaviour.preparation_quarters_min": "kortste voorbereiding",
    "behaviour.preparation_quarters_extra_mean": "gemiddelde bijkomende voorbereiding",
    "behaviour.project_cost_share": "projectkost t.o.v. jaarlijkse O&O",
    "behaviour.request_sigma": "spreiding van de gevraagde steun",
    "behaviour.consortium_min_firms": "kleinste consortium",
    "behaviour.consortium_extra_firms": "gemiddeld bijkomende partners",
    "behaviour.knowledge_quality_weight": "kwaliteit per eenheid kennis",
    "behaviour.evaluation_prior_success": "verwacht projectsucces vooraf",
    "behaviour.eu_grant_sigma": "spreiding van EU-steun",
    "behaviour.eu_grant_sme_factor": "EU-steun van een kmo t.o.v. een grote onderneming",
    "behaviour.vis_proposals_per_intermediary": "VIS-voorstellen per intermediair per jaar",
    "behaviour.vis_group_size": "kmo's in een VIS-doelgroep",
    "behaviour.vis_project_grant": "gemiddelde steun voor een VIS-project",
    "behaviour.vis_knowledge_gain": "kennis uit een VIS-project",
}

GROUP_NL = {
    "cofinancing": "cofinanciering en storting",
    "sunset": "uitdoving (sunset)",
    "project_pots": "projectpotten",
    "selection": "selectie en evaluatie",
    "timing": "timing",
}

KIND = {
    "en": {"spearhead": "spearhead cluster", "ibn": "IBN", "legacy": "legacy structure"},
    "nl": {"spearhead": "speerpuntcluster", "ibn": "IBN", "legacy": "bestaande structuur"},
}

CHOICES_NL = {
    "strict": "strikt: de subsidie vervalt",
    "discretionary": "discretionair",
    "none": "geen gevolg",
    "flat": "vlak",
    "degressive": "degressief",
    "jury": "jury",
    "fcfs": "wie eerst komt",
    "lottery": "loting",
    "reserve": "harde reservering",
    "reserve_release": "reservering met vrijgave",
    "bonus": "scorebonus",
    "priority": "voorrang",
    "rolling": "doorlopend, bij indiening",
    "call": "oproep",
}
CHOICES_EN = {
    "strict": "strict: the grant lapses",
    "fcfs": "first come, first served",
    "reserve": "hard reserve",
    "reserve_release": "reserve with release",
    "bonus": "score bonus",
    "priority": "priority",
}

UNITS = {
    "en": {
        "EUR/yr": "€/yr",
        "EUR": "€",
        "EUR m/yr": "€ m/yr",
        "EUR m": "€ m",
        "share": "%",
        "quarters": "quarters",
        "quarter": "quarter",
        "quarter of year": "quarter of the year",
        "years": "years",
        "clusters": "clusters",
        "firms": "firms",
        "organisations": "organisations",
        "projects": "projects",
        "proposals": "proposals",
        "innovations": "innovations",
        "links": "pairs",
        "index": "index",
        "score": "score",
        "score sd": "score sd",
        "weight": "weight",
        "EUR/EUR": "€ per €",
        "EUR/member-yr": "€ per member and year",
        "memberships": "memberships",
        "share/yr": "points/yr",
        "1/yr": "per year",
        "1/quarter": "per quarter",
        "year": "year",
        "yr": "years",
        "decisions": "decisions",
        "x": "×",
        "1/(EUR m/yr * quarter)": "per quarter per € m of R&D a year",
        "1/(domain * call)": "per domain and call",
        "1/(member * yr)": "per member and year",
        "1/knowledge": "per unit of knowledge",
        "1/score": "per unit of score",
        "domains": "domains",
        "excellence": "excellence",
        "initiatives": "initiatives",
        "institutions": "institutions",
        "knowledge": "knowledge",
        "knowledge/yr": "knowledge per year",
        "projects/yr": "projects per year",
        "score/knowledge": "score per unit of knowledge",
        "structures": "structures",
        "-": "",
    },
    "nl": {
        "EUR/yr": "€/jaar",
        "EUR": "€",
        "EUR m/yr": "€ mln/jaar",
        "EUR m": "€ mln",
        "share": "%",
        "quarters": "kwartalen",
        "quarter": "kwartaal",
        "quarter of year": "kwartaal van het jaar",
        "years": "jaar",
        "clusters": "clusters",
        "firms": "bedrijven",
        "organisations": "organisaties",
        "projects": "projecten",
        "proposals": "voorstellen",
        "innovations": "innovaties",
        "links": "paren",
        "index": "index",
        "score": "score",
        "score sd": "sd van de score",
        "weight": "gewicht",
        "EUR/EUR": "€ per €",
        "EUR/member-yr": "€ per lid en per jaar",
        "memberships": "lidmaatschappen",
        "share/yr": "punten/jaar",
        "1/yr": "per jaar",
        "1/quarter": "per kwartaal",
        "year": "jaar",
        "yr": "jaar",
        "decisions": "beslissingen",
        "x": "×",
        "1/(EUR m/yr * quarter)": "per kwartaal per € mln O&O per jaar",
        "1/(domain * call)": "per domein en oproep",
        "1/(member * yr)": "per lid en per jaar",
        "1/knowledge": "per eenheid kennis",
        "1/score": "per eenheid score",
        "domains": "domeinen",
        "excellence": "excellentie",
        "initiatives": "initiatieven",
        "institutions": "instellingen",
        "knowledge": "kennis",
        "knowledge/yr": "kennis per jaar",
        "projects/yr": "projecten per jaar",
        "score/knowledge": "score per eenheid kennis",
        "structures": "structuren",
        "-": "",
    },
}

# --------------------------------------------------------------------------- formats (outputs.format)
SUFFIXES = {
    "nl": {
        "m": " mln",
        " pts": " %-punt",
        " percentage points": " procentpunt",
    },
}
AXES = {
    "nl": {
        "firms": "bedrijven",
        "memberships": "lidmaatschappen",
        "organisations": "organisaties",
        "projects": "projecten",
        "proposals": "voorstellen",
        "innovations": "innovaties",
        "links": "paren",
        "€ million": "€ mln",
        "€ million per year": "€ mln per jaar",
        "€ per member and year": "€ per lid en per jaar",
        "percentage points": "procentpunt",
        "score (0-1)": "score (0-1)",
        "count": "aantal",
        "% of GDP": "% van het bbp",
        "percentage points of GDP": "procentpunt van het bbp",
        "ratio": "verhouding",
        "€ per €": "€ per €",
        "outcome units": "eenheden van het resultaat",
    },
}

# --------------------------------------------------------------------------- scenarios
# short labels of the shipped scenarios (their files hold the name and a long description)
SCENARIOS = {
    "concept_note_2015": {"en": "concept note (2015)", "nl": "conceptnota (2015)"},
    "serv_advice_2015": {"en": "SERV's advice (2015)", "nl": "SERV-advies (2015)"},
    "no_cluster_policy": {"en": "no cluster policy", "nl": "geen clusterbeleid"},
    "no_privileged_budget": {"en": "no privileged budget", "nl": "geen voorbehouden budget"},
    "degressive_support": {"en": "degressive support", "nl": "degressieve steun"},
    "no_sunset": {"en": "no sunset clause", "nl": "geen uitdovingsclausule"},
    "first_come_first_served": {"en": "first come, first served", "nl": "wie eerst komt, eerst maalt"},
    "lenient_deposit": {"en": "lenient deposit", "nl": "soepele storting"},
    "competitive_call": {"en": "competitive calls", "nl": "competitieve oproepen"},
    "keep_vis": {"en": "VIS kept", "nl": "VIS behouden"},
}

# --------------------------------------------------------------------------- texts of the shipped files
# English (as written in the shipped scenario and hypothesis files) -> Dutch; see phrase()
PHRASES_NL = {
    # outcome meanings (the first line of each reporter's docstring, model.metrics)
    "Firms that are members of at least one cluster organisation (each firm counted once)": "Bedrijven die "
    "lid zijn van minstens één clusterorganisatie (elk bedrijf één keer geteld)",
    "Memberships of cluster organisations (a firm in two organisations counts twice)": "Lidmaatschappen "
    "van clusterorganisaties (een bedrijf in twee organisaties telt twee keer)",
    "Memberships of recognised spearhead clusters (a firm in two spearheads counts twice)": "Lidmaatschappen "
    "van erkende speerpuntclusters (een bedrijf in twee speerpuntclusters telt twee keer)",
    "Share of member firms that are members of more than one organisation": "Aandeel van de leden dat lid "
    "is van meer dan één organisatie",
    "SMEs that are members of at least one cluster organisation": "Kmo's die lid zijn van minstens één "
    "clusterorganisatie",
    "Share of SMEs among member firms (of any organisation)": "Aandeel kmo's onder de leden (van om het "
    "even welke organisatie)",
    "Share of all SMEs that are a member of some cluster organisation": "Aandeel van alle kmo's dat lid is "
    "van een clusterorganisatie",
    "Firms that are members of a recognised spearhead cluster (each firm counted once)": "Bedrijven die "
    "lid zijn van een erkende speerpuntcluster (elk bedrijf één keer geteld)",
    "Firms that are members of a recognised innovative business "
    "network (each firm counted once)": "Bedrijven die lid zijn van een erkend innovatief bedrijfsnetwerk "
    "(elk bedrijf één keer geteld)",
    "Share of SMEs among the member firms of recognised spearhead clusters": "Aandeel kmo's onder de leden "
    "van erkende speerpuntclusters",
    "Member firms with an EU-funded project running (their international activity)": "Leden met een lopend "
    "Europees gesteund project (hun internationale activiteit)",
    "Memberships ended for leaving a year's dues unpaid": "Lidmaatschappen beëindigd omdat de bijdragen "
    "van een jaar onbetaald bleven",
    "Recognised spearhead clusters that exist": "Erkende speerpuntclusters die bestaan",
    "Recognised innovative business networks that exist": "Erkende innovatieve bedrijfsnetwerken die bestaan",
    "Cluster organisations of any kind that exist (incl. legacy structures)": "Clusterorganisaties van "
    "elke soort die bestaan (ook bestaande structuren)",
    "Organisations ever recognised under the policy (spearheads, "
    "IBNs) that exist, supported or not": "Organisaties ooit erkend onder het beleid (speerpunten, IBN's) "
    "die bestaan, gesteund of niet",
    "Median number of members of the recognised spearhead clusters": "Mediaan aantal leden van de erkende "
    "speerpuntclusters",
    "Members of the largest recognised spearhead cluster": "Leden van de grootste erkende speerpuntcluster",
    "Spearhead recognitions so far (incl. IBNs that became spearheads)": "Erkenningen als speerpuntcluster "
    "tot nu toe (ook IBN's die speerpunt werden)",
    "IBN recognitions so far": "Erkenningen als IBN tot nu toe",
    "IBNs that became spearhead clusters": "IBN's die speerpuntcluster werden",
    "IBNs whose three (``support_years_ibn``) years of support are over and that still exist": "IBN's "
    "waarvan de drie (``support_years_ibn``) steunjaren voorbij zijn en die nog bestaan",
    "Operating grants that lapsed because the deposit was short": "Werkingssubsidies die vervielen omdat "
    "de storting te laag was",
    "Spearhead clusters whose support stopped at an interim evaluation": "Speerpuntclusters waarvan de "
    "steun stopte na een tussentijdse evaluatie",
    "Organisations that ended because they could not run (their "
    "members were free to go elsewhere)": "Organisaties die stopten omdat ze niet konden draaien (hun "
    "leden konden elders terecht)",
    "Organisations that run their full planned activity on members' money alone": "Organisaties die hun "
    "volledige geplande werking alleen met geld van de leden draaien",
    "Organisations whose support ended by the sunset clause so far": "Organisaties waarvan de steun tot nu "
    "toe stopte door de uitdovingsclausule",
    "Share of the organisations past the sunset for a year or more "
    "that were alive a year after it": "Aandeel van de organisaties die minstens een jaar voorbij de "
    "uitdoving zijn en een jaar erna nog bestonden",
    "Share of the organisations past the sunset for two years or "
    "more that were alive two years after": "Aandeel van de organisaties die minstens twee jaar voorbij de "
    "uitdoving zijn en twee jaar erna nog bestonden",
    "Members a year after support ended by the sunset, over members "
    "when it ended (same organisations)": "Leden een jaar na het einde van de steun door de uitdoving, "
    "gedeeld door de leden toen ze stopte (dezelfde organisaties)",
    "Members two years after support ended by the sunset, over members when it ended": "Leden twee jaar na "
    "het einde van de steun door de uitdoving, gedeeld door de leden toen ze stopte",
    "Members' money a year after the sunset over the budget of the last supported year": "Geld van de "
    "leden een jaar na de uitdoving, gedeeld door het budget van het laatste gesteunde jaar",
    "Mean noise-free quality of the applications recognised so far (jury vs fcfs vs lottery)": "Gemiddelde "
    "kwaliteit zonder ruis van de tot nu toe erkende aanvragen (jury, volgorde van aankomst of loting)",
    "Mean excellence of the recognised spearhead clusters and IBNs": "Gemiddelde excellentie van de "
    "erkende speerpuntclusters en IBN's",
    "Public share of the planned budgets of all existing organisations this project year": "Publiek "
    "aandeel in de geplande budgetten van alle bestaande organisaties in dit projectjaar",
    "Share of the recognised spearhead organisations' budgets (last "
    "project year) that members paid": "Aandeel van de budgetten van de erkende speerpuntorganisaties "
    "(laatste projectjaar) dat de leden betaalden",
    "Operating grants paid to cluster organisations, incl. "
    "transitional grants to legacy ones": "Werkingssubsidies betaald aan clusterorganisaties, ook "
    "overgangssubsidies aan bestaande structuren",
    "Operating grants so far per member-year of the organisations "
    "recognised under the policy": "Werkingssubsidies tot nu toe per lid en per jaar van de organisaties "
    "erkend onder het beleid",
    "Project grants paid (every pot)": "Betaalde projectsubsidies (elke pot)",
    "Project grants paid through the privilege": "Projectsubsidies betaald via de voorrang",
    "Project grants paid to spearhead-cluster projects, from any pot": "Projectsubsidies betaald aan "
    "projecten van speerpuntclusters, uit elke pot",
    "Reserved project money that no spearhead project used and that "
    "was not released (``reserve``)": "Voorbehouden projectgeld dat geen speerpuntproject gebruikte en dat "
    "niet werd vrijgegeven (``reserve``)",
    "Reserved project money left idle in the last project call (EUR/yr)": "Voorbehouden projectgeld dat in "
    "de laatste projectoproep ongebruikt bleef (EUR/jaar)",
    "Reserved money the spearhead projects left and that went to "
    "the open pot (``reserve_release``)": "Voorbehouden geld dat de speerpuntprojecten overlieten en dat "
    "naar de open pot ging (``reserve_release``)",
    "This year's project envelope (privileged and open together)": "De projectenveloppe van dit jaar "
    "(voorbehouden en open samen)",
    "Grants paid to VIS trajectories": "Steun betaald aan VIS-trajecten",
    "Unspent grant money returned to the agency by organisations that ended": "Ongebruikt subsidiegeld dat "
    "opgeheven organisaties aan het agentschap teruggaven",
    "Members' co-financing of cluster organisations: cash fees plus "
    "credited in-kind contributions": "Cofinanciering van clusterorganisaties door de leden: bijdragen in "
    "geld plus erkende inbreng in natura",
    "Members' cash fees paid to cluster organisations": "Bijdragen in geld van de leden aan "
    "clusterorganisaties",
    "Private money committed to funded projects": "Privaat geld ingebracht in gesteunde projecten",
    "EU grants won by firms": "Europese steun binnengehaald door bedrijven",
    "EU grants won by firms that were members of a cluster organisation when they won": "Europese steun "
    "binnengehaald door bedrijven die toen lid waren van een clusterorganisatie",
    "Gini coefficient of project grants among the firms that received any": "Gini-coëfficiënt van de "
    "projectsteun onder de bedrijven die er kregen",
    "Spearhead-cluster projects funded through the privilege": "Projecten van speerpuntclusters gesteund "
    "via de voorrang",
    "Spearhead-cluster projects funded in open competition": "Projecten van speerpuntclusters gesteund in "
    "open competitie",
    "Individual firm projects funded": "Gesteunde individuele bedrijfsprojecten",
    "IBN projects funded": "Gesteunde IBN-projecten",
    "Eligible proposals rejected for lack of money": "Ontvankelijke voorstellen afgewezen wegens geldgebrek",
    "Individual and IBN proposals rejected that one merged pot of "
    "the same envelope would have funded": "Afgewezen individuele en IBN-voorstellen die één samengevoegde "
    "pot van dezelfde enveloppe gesteund zou hebben",
    "Share of firms' project grants so far that went to SMEs": "Aandeel van de projectsteun aan bedrijven "
    "tot nu toe dat naar kmo's ging",
    "Firms whose individual project was funded in the last project "
    "call (the regular company grants)": "Bedrijven waarvan het individuele project in de laatste "
    "projectoproep gesteund werd (de gewone bedrijfssteun)",
    "VIS projects funded": "Gesteunde VIS-projecten",
    "Participations of SMEs in funded projects of every kind, VIS included": "Deelnames van kmo's aan "
    "gesteunde projecten van elke soort, VIS inbegrepen",
    "Participations of innovation followers in funded projects of every kind, VIS included": "Deelnames "
    "van innovatievolgers aan gesteunde projecten van elke soort, VIS inbegrepen",
    "Business R&D expenditure (EUR/yr): own R&D plus passed-through subsidies": "O&O-uitgaven van "
    "bedrijven (EUR/jaar): eigen O&O plus doorgegeven steun",
    "Business R&D from firms' own money (EUR/yr), incl. what knowledge adds to it": "O&O van bedrijven uit "
    "eigen middelen (EUR/jaar), ook wat kennis eraan toevoegt",
    "Business R&D from regional project grants (EUR/yr): pass-through x project subsidies": "O&O van "
    "bedrijven uit regionale projectsteun (EUR/jaar): doorgifte x projectsteun",
    "Business R&D from EU grants (EUR/yr): pass-through x EU subsidies": "O&O van bedrijven uit Europese "
    "steun (EUR/jaar): doorgifte x Europese steun",
    "Business R&D of firms that are not members of any cluster organisation (EUR/yr)": "O&O van bedrijven "
    "die geen lid zijn van een clusterorganisatie (EUR/jaar)",
    "Mean business R&D of a member firm (EUR/yr)": "Gemiddelde O&O van een lid (EUR/jaar)",
    "Mean business R&D of a firm that is not a member (EUR/yr)": "Gemiddelde O&O van een bedrijf dat geen "
    "lid is (EUR/jaar)",
    "Regional GDP (EUR/yr), growing at ``gdp_growth``": "Regionaal bbp (EUR/jaar), groeiend met "
    "``gdp_growth``",
    "Total R&D (business + public, the public part growing with GDP) over GDP": "Totale O&O (bedrijven + "
    "overheid, het publieke deel groeiend met het bbp) gedeeld door het bbp",
    "R&D intensity minus the norm (``population.rd_norm``, 3 % of "
    "GDP): negative means short of it": "O&O-intensiteit min de norm (``population.rd_norm``, 3 % van het "
    "bbp): negatief betekent eronder",
    "Innovations by firms since the start": "Innovaties van bedrijven sinds de start",
    "Innovations by SMEs since the start": "Innovaties van kmo's sinds de start",
    "Innovations by innovation followers since the start": "Innovaties van innovatievolgers sinds de start",
    "Mean knowledge stock of the innovation followers": "Gemiddelde kennisvoorraad van de innovatievolgers",
    "Distinct pairs (firm-firm, firm-institution) that have worked "
    "together in a funded project": "Verschillende paren (bedrijf-bedrijf, bedrijf-instelling) die "
    "samenwerkten in een gesteund project",
    # scenario descriptions
    "One lever: spearhead clusters recognised in competitive calls (the concept note) instead of as "
    "applications arrive.": "Eén hefboom: speerpuntclusters erkend in competitieve oproepen (de "
    "conceptnota) in plaats van naargelang de aanvragen binnenkomen.",
    "The 2015 concept note's rules as implemented: 50 % co-financing with a strict 3-month deposit, "
    "spearhead clusters recognised as applications arrive (at most 7) with a cluster pact before privileged "
    "project money, 25 % of the project envelope privileged for them, 10/3-year sunset, no interim "
    "evaluation, VIS trajectories ended.": "De regels van de conceptnota van 2015 zoals uitgevoerd: 50 % "
    "cofinanciering met een strikte storting binnen 3 maanden, speerpuntclusters erkend naargelang de "
    "aanvragen binnenkomen (hoogstens 7) met een clusterpact vóór voorbehouden projectmiddelen, 25 % van "
    "de projectenveloppe voor hen voorbehouden, uitdoving na 10/3 jaar, geen tussentijdse evaluatie, "
    "VIS-trajecten stopgezet.",
    "One lever: degressive operating grants (50 % falling to 25 % in the last support year).": "Eén "
    "hefboom: degressieve werkingssubsidies (50 %, dalend tot 25 % in het laatste steunjaar).",
    "One lever: first-come-first-served selection of clusters instead of a jury.": "Eén hefboom: clusters "
    "geselecteerd op volgorde van aankomst in plaats van door een jury.",
    "One lever: the VIS trajectories go on beside the cluster policy, with their own budget.": "Eén "
    "hefboom: de VIS-trajecten lopen door naast het clusterbeleid, met een eigen budget.",
    "One lever: lenient deposit rule (6 months; the grant lapses only if more than 25 % short).": "Eén "
    "hefboom: soepele stortingsregel (6 maanden; de subsidie vervalt pas bij meer dan 25 % tekort).",
    "Counterfactual: no cluster policy; only the regular open project pot remains.": "Contrafeitelijk: "
    "geen clusterbeleid; alleen de gewone open projectpot blijft.",
    "One lever: no privileged project budget; the whole envelope is open to all proposals.": "Eén "
    "hefboom: geen voorbehouden projectbudget; de hele enveloppe staat open voor alle voorstellen.",
    "One lever: no sunset clause (support does not end within the horizon).": "Eén hefboom: geen "
    "uitdovingsclausule (de steun stopt niet binnen de horizon).",
    "SERV's amendments: in-kind SME contributions count, jury stressing SME involvement, interim "
    "evaluations, IBN-to-spearhead path.": "De amendementen van de SERV: inbreng in natura van kmo's telt "
    "mee, een jury die de betrokkenheid van kmo's zwaar laat wegen, tussentijdse evaluaties, een pad van "
    "IBN naar speerpuntcluster.",
    # hypothesis files: sources
    "SERV advice of 28 September 2015, §4.2.1 and §4.4": "SERV-advies van 28 september 2015, §4.2.1 en §4.4",
    "SERV advice of 28 September 2015, §4.2.1 (concept note §7.1-7.2)": "SERV-advies van 28 september "
    "2015, §4.2.1 (conceptnota §7.1-7.2)",
    "SERV advice of 28 September 2015, §4.2.1": "SERV-advies van 28 september 2015, §4.2.1",
    "SERV advice of 28 September 2015, §4.2.2 and §4.7": "SERV-advies van 28 september 2015, §4.2.2 en §4.7",
    "SERV advice of 28 September 2015, §4.3 and §4.5": "SERV-advies van 28 september 2015, §4.3 en §4.5",
    "SERV advice of 28 September 2015, §4.3": "SERV-advies van 28 september 2015, §4.3",
    "SERV advice of 28 September 2015, §4.2.1 and §4.8": "SERV-advies van 28 september 2015, §4.2.1 en §4.8",
    "SERV advice of 28 September 2015, §3": "SERV-advies van 28 september 2015, §3",
    # H1a
    "Co-financing deters SMEs": "Cofinanciering schrikt kmo's af",
    "The larger the share of a cluster organisation's budget its members must bring, the fewer SMEs take "
    "part: a higher public share of the operating budget raises SME participation.": "Hoe groter het deel "
    "van het budget van een clusterorganisatie dat de leden zelf moeten inbrengen, hoe minder kmo's "
    "deelnemen: een hoger publiek aandeel in het werkingsbudget verhoogt de deelname van kmo's.",
    "SMEs give time, not money (advice §4.2.1): less co-financing asked, more SMEs join": "kmo's geven "
    "tijd, geen geld (advies §4.2.1): minder cofinanciering gevraagd, meer kmo's doen mee",
    "SERV wants a broad group of SMEs among the members (advice §4.4)": "de SERV wil een brede groep "
    "kmo's onder de leden (advies §4.4)",
    "assumption: a better-funded organisation offers more to every member": "aanname: een beter "
    "gefinancierde organisatie biedt elk lid meer",
    "assumption: a larger grant makes an organisation less dependent on members paying on time": "aanname: "
    "een grotere subsidie maakt een organisatie minder afhankelijk van leden die op tijd betalen",
    # H1b
    "The short deposit window makes grants lapse and deters SMEs": "De korte stortingstermijn doet "
    "subsidies vervallen en schrikt kmo's af",
    "Giving cluster organisations longer than three months to deposit 80 % of the year's co-financing "
    "lowers the number of grants that lapse and raises SME participation.": "Clusterorganisaties langer "
    "dan drie maanden geven om 80 % van de jaarlijkse cofinanciering te storten, doet minder subsidies "
    "vervallen en verhoogt de deelname van kmo's.",
    "the grant lapses when the deposit is short at the deadline (advice §4.2.1)": "de subsidie vervalt als "
    "de storting op de vervaldag te laag is (advies §4.2.1)",
    "SMEs are cash-constrained and pay late (advice §4.2.1)": "kmo's hebben weinig liquide middelen en "
    "betalen laat (advies §4.2.1)",
    "fewer lapses keep more recognised clusters (assumption)": "minder vervallen subsidies houden meer "
    "erkende clusters in stand (aanname)",
    "fewer lapses keep more recognised networks (assumption)": "minder vervallen subsidies houden meer "
    "erkende netwerken in stand (aanname)",
    # H2
    "In-kind contributions raise SME participation without lowering private effort": "Inbreng in natura "
    "verhoogt de deelname van kmo's zonder de private inspanning te verlagen",
    "Letting SMEs pay part of their co-financing in staff time raises SME participation, and members' "
    "co-financing (cash plus in kind) does not fall.": "Kmo's een deel van hun cofinanciering in "
    "personeelstijd laten betalen, verhoogt de deelname van kmo's, en de cofinanciering door de leden (geld "
    "plus natura) daalt niet.",
    "SMEs are willing to give time but not money (advice §4.2.1)": "kmo's willen tijd geven, maar geen "
    "geld (advies §4.2.1)",
    "SERV wants a broad group of SMEs in every cluster (advice §4.4)": "de SERV wil een brede groep kmo's "
    "in elke cluster (advies §4.4)",
    "private effort, cash plus credited staff time, should not fall (advice §4.2.1)": "de private "
    "inspanning, geld plus erkende personeelstijd, mag niet dalen (advies §4.2.1)",
    "assumption: the cash part may fall as SMEs pay in time; this outcome shows whether it does": "aanname: "
    "het deel in geld kan dalen als kmo's in tijd betalen; dit resultaat toont of dat gebeurt",
    # H3 and H3b
    "Privileged budgets crowd out individual firm and IBN projects": "Voorbehouden budgetten verdringen "
    "individuele bedrijfsprojecten en IBN-projecten",
    "Privileged budgets crowd out individual firm and IBN projects (bonus rule)": "Voorbehouden budgetten "
    "verdringen individuele bedrijfsprojecten en IBN-projecten (regel: scorebonus)",
    "Reserving part of a fixed project envelope for spearhead-cluster projects lowers the number of "
    "individual firm projects and IBN projects funded, the R&D of firms outside the clusters and the SMEs' "
    "share of project money, and turns away proposals a single pot would have funded.": "Een deel van een "
    "vaste projectenveloppe voorbehouden voor projecten van speerpuntclusters verlaagt het aantal gesteunde "
    "individuele bedrijfsprojecten en IBN-projecten, de O&O van bedrijven buiten de clusters en het "
    "aandeel van kmo's in het projectgeld, en wijst voorstellen af die één enkele pot gesteund zou hebben.",
    "Giving spearhead-cluster proposals a score bonus in one fixed project envelope lowers the number of "
    "individual firm projects and IBN projects funded, the R&D of firms outside the clusters and the SMEs' "
    "share of project money, and turns away proposals a single pot would have funded.": "Voorstellen van "
    "speerpuntclusters een scorebonus geven in één vaste projectenveloppe verlaagt het aantal gesteunde "
    "individuele bedrijfsprojecten en IBN-projecten, de O&O van bedrijven buiten de clusters en het "
    "aandeel van kmo's in het projectgeld, en wijst voorstellen af die één enkele pot gesteund zou hebben.",
    "individual firm projects compete for what is left of the envelope (advice §4.2.2)": "individuele "
    "bedrijfsprojecten dingen mee naar wat van de enveloppe overblijft (advies §4.2.2)",
    "IBNs get no privileged money and compete in the open pot (advice §4.2.2, §4.3)": "IBN's krijgen geen "
    "voorbehouden geld en dingen mee in de open pot (advies §4.2.2, §4.3)",
    "firms outside the clusters lose project subsidies (advice §4.2.2); assumption that this lowers their "
    "R&D": "bedrijven buiten de clusters verliezen projectsteun (advies §4.2.2); aanname dat dit hun O&O "
    "verlaagt",
    "regular company R&D grants go about 60 % to SMEs (Flemish Parliament 2020); privileged money follows "
    "R&D size (assumption)": "de gewone O&O-steun aan bedrijven gaat voor ongeveer 60 % naar kmo's "
    "(Vlaams Parlement 2020); voorbehouden geld volgt de omvang van de O&O (aanname)",
    "open-pot proposals a single pot would have funded (advice §4.2.2)": "voorstellen in de open pot die "
    "één enkele pot gesteund zou hebben (advies §4.2.2)",
    # H4
    "A sunset clause makes cluster organisations self-sustaining": "Een uitdovingsclausule maakt "
    "clusterorganisaties zelfbedruipend",
    "Organisations whose support has ended live on their members' money: without a sunset no more "
    "organisations and no more members remain, while public money per member-year is higher.": "Organisaties "
    "waarvan de steun stopte, leven van het geld van hun leden: zonder uitdoving blijven er niet meer "
    "organisaties en niet meer leden over, terwijl het publieke geld per lid en per jaar hoger ligt.",
    "self-sustaining organisations survive their sunset, so grants beyond it keep no more of them alive "
    "(advice §4.2.1)": "zelfbedruipende organisaties overleven hun uitdoving, dus steun daarna houdt er "
    "niet meer in leven (advies §4.2.1)",
    "members who stay after the sunset pay for what the grant paid; if they would not, the grant keeps them "
    "(advice §4.2.1)": "leden die na de uitdoving blijven, betalen wat de subsidie betaalde; zouden ze dat "
    "niet doen, dan houdt de subsidie hen vast (advies §4.2.1)",
    "without a sunset weak clusters stay on public money: more public euros per member-year (advice "
    "§4.2.1, waste)": "zonder uitdoving blijven zwakke clusters op publiek geld draaien: meer publieke "
    "euro's per lid en per jaar (advies §4.2.1, verspilling)",
    # H5
    "A jury selects better clusters than first-come-first-served": "Een jury selecteert betere clusters "
    "dan wie eerst komt, eerst maalt",
    "Selecting spearhead clusters and IBNs by first-come-first-served (or by lottery) instead of an "
    "independent jury recognises weaker clusters, with less innovation and business R&D and more clusters "
    "that fail.": "Speerpuntclusters en IBN's selecteren op volgorde van aankomst (of bij loting) in plaats "
    "van door een onafhankelijke jury, erkent zwakkere clusters, met minder innovatie en O&O van bedrijven "
    "en meer clusters die mislukken.",
    "the jury scores valorisation, support base and excellence (advice §4.5); arrival order does not": "de "
    "jury beoordeelt valorisatie, draagvlak en excellentie (advies §4.5); de volgorde van aankomst niet",
    "better clusters run better projects (assumption, via the model's project quality)": "betere clusters "
    "voeren betere projecten uit (aanname, via de projectkwaliteit in het model)",
    "excellent organisations raise members' R&D (advice §4.2.1)": "excellente organisaties verhogen de "
    "O&O van hun leden (advies §4.2.1)",
    "weaker clusters find fewer paying members (assumption)": "zwakkere clusters vinden minder betalende "
    "leden (aanname)",
    "weaker clusters are less likely to survive on their members (assumption)": "zwakkere clusters "
    "overleven minder vaak op hun leden (aanname)",
    # H6
    "IBNs grow into spearhead clusters when a path exists": "IBN's groeien uit tot speerpuntclusters als "
    "er een pad bestaat",
    "With a path from IBN to spearhead cluster, some IBNs become spearheads, and the spearhead clusters gain "
    "members and SMEs.": "Met een pad van IBN naar speerpuntcluster worden sommige IBN's speerpuntcluster, "
    "en de speerpuntclusters winnen leden en kmo's.",
    "an IBN that meets the conditions becomes a spearhead (advice §4.3); if none ever meets them, the path "
    "is empty": "een IBN die aan de voorwaarden voldoet, wordt speerpuntcluster (advies §4.3); voldoet er "
    "nooit een, dan blijft het pad leeg",
    "assumption: an IBN that grows brings its members into a spearhead": "aanname: een IBN die groeit, "
    "brengt zijn leden mee naar een speerpuntcluster",
    "assumption: IBNs are bottom-up networks of SMEs (advice §4.3)": "aanname: IBN's zijn netwerken van "
    "kmo's van onderuit (advies §4.3)",
    # H7
    "Excellent cluster organisations raise members' R&D, international and EU activity": "Excellente "
    "clusterorganisaties verhogen de O&O, de internationale en de Europese activiteit van hun leden",
    "Where cluster organisations become more excellent, their members do more R&D, take part in more EU "
    "projects and win more EU money.": "Waar clusterorganisaties excellenter worden, doen hun leden meer "
    "O&O, nemen ze deel aan meer Europese projecten en halen ze meer Europees geld binnen.",
    "the lever works: organisations that learn become more excellent": "de hefboom werkt: organisaties "
    "die leren, worden excellenter",
    "excellent organisations raise members' R&D through knowledge (advice §4.2.1)": "excellente "
    "organisaties verhogen de O&O van hun leden via kennis (advies §4.2.1)",
    "excellent organisations help members into EU projects (advice §4.8)": "excellente organisaties "
    "helpen leden in Europese projecten (advies §4.8)",
    "excellent organisations help members win EU money (advice §4.8), from a limited EU amount": "excellente "
    "organisaties helpen leden Europees geld binnenhalen (advies §4.8), uit een beperkt Europees bedrag",
    # H8
    "Cluster policy helps reach the 3 % R&D norm, as one contributor": "Clusterbeleid helpt de 3 %-norm "
    "voor O&O te halen, als een van de bijdragen",
    "With the cluster policy, R&D intensity and business R&D are higher than without it; the size of the "
    "contribution, in points of GDP with its interval, says how much of the way to 3 % it is.": "Met het "
    "clusterbeleid liggen de O&O-intensiteit en de O&O van bedrijven hoger dan zonder; de omvang van de "
    "bijdrage, in procentpunt van het bbp met het interval, zegt welk deel van de weg naar 3 % ze aflegt.",
    "the policy's contribution to R&D intensity, in points of GDP (advice §3: cluster policy as one of the "
    "instruments towards 3 %)": "de bijdrage van het beleid aan de O&O-intensiteit, in procentpunt van het "
    "bbp (advies §3: clusterbeleid als een van de instrumenten richting 3 %)",
    "the contribution comes through business R&D (advice §3); its size next to the observed rise (2.54 % "
    "in 2013 to 3.65 % in 2021) is in docs/hypotheses.md": "de bijdrage loopt via de O&O van bedrijven "
    "(advies §3); de omvang naast de waargenomen stijging (2,54 % in 2013 tot 3,65 % in 2021) staat in "
    "docs/hypotheses.md",
    # H9
    "Ending the VIS trajectories loses projects that mattered to smaller firms": "Het stopzetten van de "
    "VIS-trajecten verliest projecten die belangrijk waren voor kleinere bedrijven",
    "Without the VIS trajectories, fewer SMEs and innovation followers take part in funded projects, "
    "followers know less and SMEs innovate less.": "Zonder de VIS-trajecten nemen minder kmo's en "
    "innovatievolgers deel aan gesteunde projecten, weten volgers minder en innoveren kmo's minder.",
    "VIS projects were open to groups of SMEs (advice §4.3)": "VIS-projecten stonden open voor groepen "
    "kmo's (advies §4.3)",
    "VIS reached innovation followers, which rarely propose projects of their own (advice §4.3)": "VIS "
    "bereikte innovatievolgers, die zelden eigen projecten indienen (advies §4.3)",
    "assumption: what followers learnt in VIS projects is not replaced by cluster membership": "aanname: "
    "wat volgers leerden in VIS-projecten, wordt niet vervangen door lidmaatschap van een cluster",
    "assumption: knowledge raises SMEs' chance to innovate": "aanname: kennis verhoogt de kans dat een kmo "
    "innoveert",
    # validation targets (the `what` of each target in clusterpolicy/data/targets.toml)
    "spearhead clusters active at the end of 2016": "actieve speerpuntclusters eind 2016",
    "spearhead clusters active at the end of 2017": "actieve speerpuntclusters eind 2017",
    "spearhead clusters active at the end of 2018": "actieve speerpuntclusters eind 2018",
    "spearhead clusters active at the end of 2021": "actieve speerpuntclusters eind 2021",
    "spearhead clusters active at the end of 2024": "actieve speerpuntclusters eind 2024",
    "IBNs active at the end of 2017 (the first round, within their three years)": "actieve IBN's eind 2017 "
    "(de eerste ronde, binnen hun drie jaar)",
    "IBNs active at the end of 2018 (both rounds, within their three years)": "actieve IBN's eind 2018 "
    "(beide rondes, binnen hun drie jaar)",
    "members of spearhead clusters in 2018, summed over the clusters (mean over the year)": "leden van "
    "speerpuntclusters in 2018, opgeteld over de clusters (gemiddelde over het jaar)",
    "SME share of the members of spearhead clusters, 2017-2022": "aandeel kmo's onder de leden van "
    "speerpuntclusters, 2017-2022",
    "project money earmarked for spearhead-cluster projects, 2017": "projectgeld voorbehouden voor "
    "speerpuntclusterprojecten, 2017",
    "project money earmarked for spearhead-cluster projects, 2019": "projectgeld voorbehouden voor "
    "speerpuntclusterprojecten, 2019",
    "spearhead-cluster projects funded with reserved money, 2016-2019": "speerpuntclusterprojecten gesteund "
    "met voorbehouden middelen, 2016-2019",
    "additional business R&D per public euro of the policy, 2016-2025 (difference to the counterfactual)": (
        "bijkomende O&O van bedrijven per publieke euro van het beleid, 2016-2025 (verschil met het "
        "contrafeitelijke scenario)"
    ),
    "SME share of firms' project grants, 2016-2019": "aandeel kmo's in de projectsteun aan bedrijven, "
    "2016-2019",
    "firms whose individual project (regular company R&D grant) was funded in the 2019 call": "bedrijven "
    "waarvan het individuele project (gewone O&O-bedrijfssteun) in de oproep van 2019 gesteund werd",
    "members of the largest spearhead cluster, 2018-2022": "leden van de grootste speerpuntcluster, "
    "2018-2022",
    "members of the median spearhead cluster, 2018-2022": "leden van de mediane speerpuntcluster, 2018-2022",
    "members' share of the spearhead organisations' budgets, 2017-2022": "aandeel van de leden in de "
    "budgetten van de speerpuntclusterorganisaties, 2017-2022",
    "the cluster policy's part of R&D intensity in 2021 (difference to the counterfactual)": "het deel van "
    "de O&O-intensiteit in 2021 dat aan het clusterbeleid toe te schrijven is (verschil met het "
    "contrafeitelijke scenario)",
    "members against matched non-members: change in the yearly probability of innovating after joining": (
        "leden tegenover gelijkaardige niet-leden: verandering van de jaarlijkse kans om te innoveren na "
        "de toetreding"
    ),
    "members against matched non-members: relative change of own R&D spending after joining": "leden "
    "tegenover gelijkaardige niet-leden: relatieve verandering van de eigen O&O-uitgaven na de toetreding",
    "SME members against matched non-members: extra total R&D per euro of extra project aid": "kmo-leden "
    "tegenover gelijkaardige niet-leden: extra totale O&O per euro extra projectsteun",
    "members against matched non-members: extra total R&D per euro of extra project aid": "leden tegenover "
    "gelijkaardige niet-leden: extra totale O&O per euro extra projectsteun",
    "members against matched non-members: extra total R&D per euro of extra project aid is positive": (
        "leden tegenover gelijkaardige niet-leden: extra totale O&O per euro extra projectsteun is positief"
    ),
}

# --------------------------------------------------------------------------- messages
MESSAGES: dict[str, dict[str, str]] = {
    "app_title": {"en": "clusterpolicy explorer", "nl": "clusterbeleid verkennen"},
    "scenario": {"en": "Scenario", "nl": "Scenario"},
    "seed": {"en": "random seed of this run", "nl": "toevalszaad van deze run"},
    "levers": {"en": "Levers", "nl": "Hefbomen"},
    "levers_sub": {"en": "the rules the government sets", "nl": "de regels die de overheid vastlegt"},
    "uncertainties": {
        "en": "Behavioural uncertainties (assumptions)",
        "nl": "Gedragsonzekerheden (aannames)",
    },
    "apply_on_reset": {
        "en": "Changes apply when you press RESET.",
        "nl": "Wijzigingen gelden zodra u op RESET drukt.",
    },
    "pending": {
        "en": "{n} change(s) not applied yet: press RESET.",
        "nl": "{n} wijziging(en) nog niet toegepast: druk op RESET.",
    },
    "changed": {
        "en": "This run: {scenario} with {n} change(s): {items}",
        "nl": "Deze run: {scenario} met {n} wijziging(en): {items}",
    },
    "unchanged": {
        "en": "This run: {scenario} as defined (seed {seed}).",
        "nl": "Deze run: {scenario} zoals gedefinieerd (zaad {seed}).",
    },
    "restore": {"en": "Restore the scenario's values", "nl": "Waarden van het scenario herstellen"},
    "run_to_end": {"en": "Run to the end", "nl": "Tot het einde draaien"},
    "quarter_of": {"en": "{q} — quarter {i} of {n}", "nl": "{q} — kwartaal {i} van {n}"},
    "not_started": {
        "en": "{q}: not started — press STEP or ▶",
        "nl": "{q}: nog niet gestart — druk op STEP of ▶",
    },
    "tab_outcomes": {"en": "Outcomes", "nl": "Resultaten"},
    "tab_orgs": {"en": "Cluster organisations", "nl": "Clusterorganisaties"},
    "band_legend": {
        "en": "grey band: 95 % of single runs of {scenario} as defined ({n} replications); "
        "dashed: their mean; blue: this run",
        "nl": "grijze band: 95 % van de losse runs van {scenario} zoals gedefinieerd ({n} herhalingen); "
        "stippellijn: hun gemiddelde; blauw: deze run",
    },
    "outside": {
        "en": "In {q}, {k} of {n} headline outcomes are outside the band: {items}.",
        "nl": "In {q} liggen {k} van de {n} kernresultaten buiten de band: {items}.",
    },
    "inside": {
        "en": "In {q}, all {n} headline outcomes are inside the band (no change beyond the noise).",
        "nl": "In {q} liggen alle {n} kernresultaten binnen de band (geen verschil groter dan de ruis).",
    },
    "band_computing": {
        "en": "Computing the band of {scenario} ({n} runs, once; cached in {where}) …",
        "nl": "De band van {scenario} wordt berekend ({n} runs, eenmalig; bewaard in {where}) …",
    },
    "band_failed": {
        "en": "The band could not be computed: {error}",
        "nl": "De band kon niet berekend worden: {error}",
    },
    "lever_error": {"en": "Not applied: {error}", "nl": "Niet toegepast: {error}"},
    "col_id": {"en": "no.", "nl": "nr."},
    "col_kind": {"en": "kind", "nl": "soort"},
    "col_domain": {"en": "domain", "nl": "domein"},
    "col_members": {"en": "members", "nl": "leden"},
    "col_sme": {"en": "SME share", "nl": "aandeel kmo"},
    "col_budget": {"en": "budget (€ k/yr)", "nl": "budget (€ k/jaar)"},
    "col_public": {"en": "public share", "nl": "publiek aandeel"},
    "col_status": {"en": "status", "nl": "status"},
    "status_supported": {"en": "supported", "nl": "gesteund"},
    "status_recognised": {"en": "recognised, no grant", "nl": "erkend, geen subsidie"},
    "status_unrecognised": {"en": "not recognised", "nl": "niet erkend"},
    "status_closed": {"en": "closed", "nl": "gestopt"},
    "org_name": {"en": "{kind} {index} (domain {domain})", "nl": "{kind} {index} (domein {domain})"},
    "org_pick": {
        "en": "Click a row to see that organisation's history.",
        "nl": "Klik op een rij om de geschiedenis van die organisatie te zien.",
    },
    "org_history": {"en": "History of {name}", "nl": "Geschiedenis van {name}"},
    "org_no_events": {"en": "no events yet", "nl": "nog geen gebeurtenissen"},
    "org_members_axis": {"en": "members", "nl": "leden"},
    "org_public_axis": {"en": "public share of budget", "nl": "publiek aandeel in het budget"},
    "org_count": {
        "en": "{alive} organisations exist, {closed} closed; {members} member firms.",
        "nl": "{alive} organisaties bestaan, {closed} gestopt; {members} bedrijven zijn lid.",
    },
    "picture_title": {
        "en": "Who is in which cluster, by domain ({q})",
        "nl": "Wie zit in welke cluster, per domein ({q})",
    },
    "picture_note": {
        "en": "each dot a member firm (dark: large firm, light: SME) around its organisation; "
        "ring: organisation (filled: supported); {nonmembers} firms are in no organisation",
        "nl": "elke stip een lid (donker: groot bedrijf, licht: kmo) rond zijn organisatie; "
        "ring: organisatie (gevuld: gesteund); {nonmembers} bedrijven zitten in geen organisatie",
    },
    "domain": {"en": "domain {d}", "nl": "domein {d}"},
    "large_firm": {"en": "large firm", "nl": "groot bedrijf"},
    "sme": {"en": "SME", "nl": "kmo"},
    "quarter": {"en": "quarter", "nl": "kwartaal"},
    "declared_range": {
        "en": "{doc}; declared range {lo} to {hi}",
        "nl": "{doc}; toegelaten bereik {lo} tot {hi}",
    },
    "fixed_here": {"en": "(set in the scenario file)", "nl": "(vastgelegd in het scenariobestand)"},
    "yes": {"en": "yes", "nl": "ja"},
    "no": {"en": "no", "nl": "nee"},
    # ------------------------------------------------------------ values (outputs.format)
    "n_a": {"en": "n/a", "nl": "n.b."},
    "to": {"en": "to", "nl": "tot"},
    "every_run": {"en": "in every run", "nl": "in elke run"},
    "no_difference": {"en": "0 in every run", "nl": "0 in elke run"},
    "cum": {"en": "cum.", "nl": "cum."},
    "per_year": {"en": "per year", "nl": "per jaar"},
    "and": {"en": "and", "nl": "en"},
    # ------------------------------------------------------------ every report
    "rep_howto": {"en": "How to read this.", "nl": "Zo leest u dit."},
    "rep_seeds": {"en": "Seeds of the {n} replications", "nl": "Toevalszaden van de {n} herhalingen"},
    "rep_failed_runs": {"en": "Failed runs", "nl": "Mislukte runs"},
    "rep_generated": {
        "en": "Generated {when} by clusterpolicy {version} (git {commit})",
        "nl": "Gemaakt op {when} met clusterpolicy {version} (git {commit})",
    },
    "rep_failures": {
        "en": "{n} run(s) failed and are left out of the statistics; see the list at the end.",
        "nl": "{n} run(s) mislukt; ze tellen niet mee in de cijfers (zie de lijst onderaan).",
    },
    "rep_outcome": {"en": "outcome", "nl": "resultaat"},
    "rep_meaning": {"en": "meaning", "nl": "betekenis"},
    "rep_column_name": {"en": "column in the files", "nl": "kolom in de bestanden"},
    "rep_all_outcomes": {"en": "Every outcome", "nl": "Alle resultaten"},
    "rep_method": {"en": "How it is computed", "nl": "Hoe het berekend is"},
    "rep_not_forecast": {
        "en": "These are the model's results under its assumptions (named in the scenario files and in "
        "docs/ODD.md), not forecasts.",
        "nl": "Dit zijn resultaten van het model onder zijn aannames (vermeld in de scenariobestanden en in "
        "docs/ODD.md), geen voorspellingen.",
    },
    # ------------------------------------------------------------ one run (outputs.run)
    "run_title": {"en": "{scenario}, seed {seed}", "nl": "{scenario}, toevalszaad {seed}"},
    "run_panel_orgs": {"en": "Cluster organisations", "nl": "Clusterorganisaties"},
    "run_panel_members": {"en": "Members", "nl": "Leden"},
    "run_panel_sme": {"en": "SME involvement", "nl": "Betrokkenheid van kmo's"},
    "run_panel_projects": {"en": "Projects funded (cumulative)", "nl": "Gesteunde projecten (cumulatief)"},
    "run_panel_rejected": {
        "en": "Proposals turned down (cumulative)",
        "nl": "Afgewezen voorstellen (cumulatief)",
    },
    "run_panel_money": {"en": "Money (cumulative)", "nl": "Geld (cumulatief)"},
    "run_panel_lost": {"en": "Clusters lost (cumulative)", "nl": "Verloren clusters (cumulatief)"},
    "run_panel_rd": {"en": "R&D intensity", "nl": "O&O-intensiteit"},
    # ------------------------------------------------------------ compare
    "cmp_title": {
        "en": "What changes against the reference scenario, {reference}?",
        "nl": "Wat verandert er tegenover het referentiescenario, {reference}?",
    },
    "cmp_meta": {
        "en": "{others} against {reference}: {n} paired runs per scenario; values in {quarter}.",
        "nl": "{others} tegenover {reference}: {n} gepaarde runs per scenario; waarden in {quarter}.",
    },
    "cmp_howto": {
        "en": "Each scenario was run {n} times with the same random numbers, so a difference comes from the "
        "rules, not from luck. A difference is clear when its 95 % interval (the range in brackets) leaves "
        "out zero; a hollow dot in the figure is not clear. Counts and money are compared in % of the "
        "reference, shares in percentage points. These are the model's results under its assumptions, not "
        "forecasts; the method is at the end of the page.",
        "nl": "Elk scenario draaide {n} keer met dezelfde toevalsgetallen, zodat een verschil uit de regels "
        "komt en niet uit toeval. Een verschil is duidelijk als zijn 95 %-interval (het bereik tussen "
        "haakjes) nul uitsluit; een open bolletje in de figuur is niet duidelijk. Aantallen en geld worden "
        "vergeleken "
        "in % van de referentie, aandelen in procentpunt. Dit zijn resultaten van het model onder zijn "
        "aannames, geen voorspellingen; de methode staat onderaan.",
    },
    "cmp_answer_intro": {
        "en": "Against {reference}, in {quarter}:",
        "nl": "Tegenover {reference}, in {quarter}:",
    },
    "cmp_no_clear_change": {"en": "no clear change", "nl": "geen duidelijk verschil"},
    "cmp_tally": {
        "en": "{k} of the {n} headline outcomes differ clearly.",
        "nl": "{k} van de {n} kernresultaten verschillen duidelijk.",
    },
    "cmp_how_sure": {
        "en": "Clear means: the 95 % interval of the paired difference over {n} runs leaves out zero.",
        "nl": "Duidelijk betekent: het 95 %-interval van het gepaarde verschil over {n} runs sluit nul uit.",
    },
    "cmp_figure_caption": {
        "en": "Every headline outcome: the paired difference to {reference} with its 95 % interval; the "
        "numbers on the right are the differences in the outcome's own unit.",
        "nl": "Elk kernresultaat: het gepaarde verschil met {reference} met zijn 95 %-interval; de getallen "
        "rechts zijn de verschillen in de eenheid van het resultaat.",
    },
    "cmp_figure_left_out": {
        "en": "Not in the figure (0 under the reference, so no % of it): {items}.",
        "nl": "Niet in de figuur (0 in de referentie, dus geen % ervan): {items}.",
    },
    "cmp_diff_alt": {
        "en": "paired differences to the reference",
        "nl": "gepaarde verschillen met de referentie",
    },
    "cmp_diff_title": {
        "en": "Difference to {reference} (95 % intervals)",
        "nl": "Verschil met {reference} (95 %-intervallen)",
    },
    "cmp_axis_relative": {
        "en": "difference, % of the value under {reference}",
        "nl": "verschil, % van de waarde bij {reference}",
    },
    "cmp_axis_points": {"en": "difference, percentage points", "nl": "verschil, procentpunt"},
    "cmp_hollow": {"en": "hollow: not clear at 95 %", "nl": "open: niet duidelijk bij 95 %"},
    "cmp_bands_title": {
        "en": "Mean over replications with 95 % intervals",
        "nl": "Gemiddelde over de herhalingen met 95 %-intervallen",
    },
    "cmp_scenarios": {"en": "The scenarios", "nl": "De scenario's"},
    "cmp_what_differs": {
        "en": "The rules and assumptions in which they differ (hover a name for the name in the files):",
        "nl": "De regels en aannames waarin ze verschillen (wijs een naam aan voor de naam in de bestanden):",
    },
    "cmp_parameter": {"en": "rule or assumption", "nl": "regel of aanname"},
    "cmp_same_parameters": {
        "en": "The scenarios have the same parameters (only their names differ).",
        "nl": "De scenario's hebben dezelfde parameters (alleen hun namen verschillen).",
    },
    "cmp_headline": {"en": "Headline outcomes in {quarter}", "nl": "Kernresultaten in {quarter}"},
    "cmp_headline_note": {
        "en": "Mean over the runs with its 95 % interval below it; for the other scenarios also the paired "
        "difference to the reference (red: clear at 95 %; grey: not clear).",
        "nl": "Gemiddelde over de runs met het 95 %-interval eronder; voor de andere scenario's ook het "
        "gepaarde verschil met de referentie (rood: duidelijk bij 95 %; grijs: niet duidelijk).",
    },
    "cmp_difference_col": {"en": "difference", "nl": "verschil"},
    "cmp_diff_short": {"en": "difference {diff}", "nl": "verschil {diff}"},
    "cmp_over_time": {"en": "Over time", "nl": "In de tijd"},
    "cmp_every_outcome": {
        "en": "All {n} outcomes, with their names in summary.csv (click to open)",
        "nl": "Alle {n} resultaten, met hun namen in summary.csv (klik om te openen)",
    },
    "cmp_method": {
        "en": "The model is stochastic: each scenario was run {n} times. Replication r uses the same random "
        "seed in every scenario (common random numbers), so the same firms meet the same chance events and a "
        "difference between scenarios comes from the rules, not from luck. Intervals are Student-t 95 % "
        "intervals over the replications; a difference is computed replication by replication (paired) "
        "before it is averaged. Clear at 95 % means that the interval of the difference leaves out zero; it "
        "does not mean that the difference is large or that it would hold in reality. Values are those of "
        "the last quarter; an outcome marked cum. adds up the whole period. The model compares rules under "
        "its assumptions (named in the scenario files and in docs/ODD.md); it is not a forecast.",
        "nl": "Het model is stochastisch: elk scenario draaide {n} keer. Herhaling r gebruikt in elk "
        "scenario hetzelfde toevalszaad (gemeenschappelijke toevalsgetallen), zodat dezelfde bedrijven "
        "dezelfde "
        "toevallige gebeurtenissen meemaken en een verschil tussen scenario's uit de regels komt, niet uit "
        "toeval. Intervallen zijn Student-t 95 %-intervallen over de herhalingen; een verschil wordt per "
        "herhaling berekend (gepaard) en dan uitgemiddeld. Duidelijk bij 95 % betekent dat het interval van "
        "het verschil nul uitsluit; het betekent niet dat het verschil groot is of in werkelijkheid zou "
        "gelden. De waarden zijn die van het laatste kwartaal; een resultaat met cum. telt de hele periode "
        "op. Het model vergelijkt regels onder zijn aannames (vermeld in de scenariobestanden en in "
        "docs/ODD.md); het is geen voorspelling.",
    },
    # ------------------------------------------------------------ verdicts and expectations
    "verdict_supported": {"en": "supported", "nl": "ondersteund"},
    "verdict_opposite": {"en": "opposite", "nl": "omgekeerd"},
    "verdict_not_supported": {"en": "not supported", "nl": "niet ondersteund"},
    "expected_increase": {"en": "expected to rise", "nl": "verwacht: stijgt"},
    "expected_decrease": {"en": "expected to fall", "nl": "verwacht: daalt"},
    "expected_no_decrease": {
        "en": "expected not to fall by more than {margin}",
        "nl": "verwacht: daalt niet meer dan {margin}",
    },
    "expected_no_increase": {
        "en": "expected not to rise by more than {margin}",
        "nl": "verwacht: stijgt niet meer dan {margin}",
    },
    "rep_source": {"en": "Source: {source}.", "nl": "Bron: {source}."},
    "rep_all_comparisons": {"en": "Every comparison", "nl": "Alle vergelijkingen"},
    # ------------------------------------------------------------ hypothesis
    "hyp_meta": {
        "en": "{values} values × {n} paired runs; values in {quarter}.",
        "nl": "{values} waarden × {n} gepaarde runs; waarden in {quarter}.",
    },
    "hyp_howto": {
        "en": "Every value of the lever was run {n} times with the same random numbers as the reference "
        "value, "
        "so a difference comes from the lever, not from luck. Supported: the effect is clear and goes the "
        "expected way; opposite: clear, the other way; not supported: the model cannot tell. Each effect is "
        "shown with its interval, widened for testing many things at once; a hollow dot is not clear. Shares "
        "change in percentage points. A verdict is about the model under its assumptions, not a forecast.",
        "nl": "Elke waarde van de hefboom draaide {n} keer met dezelfde toevalsgetallen als de "
        "referentiewaarde, "
        "zodat een verschil uit de hefboom komt en niet uit toeval. Ondersteund: het effect is duidelijk en "
        "gaat in de verwachte richting; omgekeerd: duidelijk, in de andere richting; niet ondersteund: het "
        "model kan het niet zeggen. Elk effect staat er met zijn interval, verbreed omdat veel zaken "
        "tegelijk "
        "getoetst worden; een open bolletje is niet duidelijk. Aandelen veranderen in procentpunt. Een "
        "oordeel "
        "gaat over het model onder zijn aannames, niet over een voorspelling.",
    },
    "hyp_lead": {
        "en": "Against {lever} = {reference}, over {runs} paired runs, the model supports the "
        "hypothesis for {k} of {n} outcomes at every value tested.",
        "nl": "Tegenover {lever} = {reference}, over {runs} gepaarde runs, ondersteunt het model de "
        "hypothese voor {k} van de {n} resultaten bij elke geteste waarde.",
    },
    "hyp_lead_some": {"en": "For {k} more, at some values.", "nl": "Voor nog {k}, bij sommige waarden."},
    "hyp_lead_opposite": {
        "en": "For {k}, it points the opposite way.",
        "nl": "Voor {k} wijst het de andere kant op.",
    },
    "co_rule_some": {
        "en": "{k} more at some.",
        "nl": "Nog {k} bij sommige.",
    },
    "hyp_at_value": {"en": "at {value}:", "nl": "bij {value}:"},
    "hyp_no_verdict": {
        "en": "no verdict (fewer than two valid pairs of runs)",
        "nl": "geen oordeel (minder dan twee geldige paren runs)",
    },
    "hyp_until": {"en": "up to {quarter}", "nl": "tot {quarter}"},
    "hyp_fig_title": {
        "en": "Paired effect against the lever, with {level} % intervals (black square: the reference, "
        "{reference}; green: supported, red: opposite, grey: not supported)",
        "nl": "Gepaard effect tegenover de hefboom, met {level} %-intervallen (zwart vierkantje: de "
        "referentie, {reference}; groen: ondersteund, rood: omgekeerd, grijs: niet ondersteund)",
    },
    "hyp_fig_alt": {"en": "effects against the lever", "nl": "effecten tegenover de hefboom"},
    "hyp_scenario_lever": {"en": "scenario", "nl": "scenario"},
    "hyp_outcomes": {"en": "What the outcomes measure, and why", "nl": "Wat de resultaten meten, en waarom"},
    "hyp_design": {"en": "The design", "nl": "De opzet"},
    "hyp_base": {"en": "base scenario", "nl": "basisscenario"},
    "hyp_each_scenario": {"en": "(each value is a scenario)", "nl": "(elke waarde is een scenario)"},
    "hyp_lever": {"en": "lever", "nl": "hefboom"},
    "hyp_values": {"en": "values", "nl": "waarden"},
    "hyp_reference": {"en": "reference", "nl": "referentie"},
    "hyp_fixed": {"en": "fixed at every value", "nl": "vast bij elke waarde"},
    "hyp_overridden": {"en": "overridden at every value", "nl": "overschreven bij elke waarde"},
    "hyp_replications": {"en": "replications", "nl": "herhalingen"},
    "hyp_replications_text": {
        "en": "{n} per value, paired (common random numbers), seeds spawned from {seed}",
        "nl": "{n} per waarde, gepaard (gemeenschappelijke toevalsgetallen), zaden afgeleid van {seed}",
    },
    "hyp_test": {"en": "test", "nl": "toets"},
    "hyp_test_name": {
        "en": "two-sided paired t-test (scipy.stats.ttest_rel)",
        "nl": "tweezijdige gepaarde t-toets (scipy.stats.ttest_rel)",
    },
    "hyp_significance": {"en": "significance", "nl": "significantie"},
    "hyp_bonferroni": {
        "en": "Bonferroni over {m} tests: each at α/{m}, with {level} % simultaneous intervals",
        "nl": "Bonferroni over {m} toetsen: elk bij α/{m}, met {level} % simultane intervallen",
    },
    "hyp_bh": {
        "en": "Benjamini–Hochberg over {m} tests (false discovery rate α), with {level} % "
        "false-coverage-rate "
        "intervals",
        "nl": "Benjamini–Hochberg over {m} toetsen (false discovery rate α), met {level} % "
        "false-coverage-rate-intervallen",
    },
    "hyp_no_correction": {
        "en": "no correction for the {m} tests; {level} % intervals",
        "nl": "geen correctie voor de {m} toetsen; {level} %-intervallen",
    },
    "hyp_every_comparison": {
        "en": "All {n} comparisons with their means and p-values (click to open)",
        "nl": "Alle {n} vergelijkingen met hun gemiddelden en p-waarden (klik om te openen)",
    },
    "hyp_value_ref": {"en": "value / reference", "nl": "waarde / referentie"},
    "hyp_mean_ref": {"en": "mean at the reference", "nl": "gemiddelde bij de referentie"},
    "hyp_mean_value": {"en": "mean at the value", "nl": "gemiddelde bij de waarde"},
    "hyp_effect_head": {"en": "effect [{level} % interval]", "nl": "effect [{level} %-interval]"},
    "hyp_p_adj": {"en": "p adj.", "nl": "p gecorr."},
    "hyp_verdict": {"en": "verdict", "nl": "oordeel"},
    "hyp_pairs": {"en": "pairs", "nl": "paren"},
    "hyp_expected": {"en": "expected", "nl": "verwacht"},
    "hyp_comparison": {"en": "comparison", "nl": "vergelijking"},
    "hyp_lever_line": {
        "en": "lever {lever}: {values} each against {reference}",
        "nl": "hefboom {lever}: {values} elk tegenover {reference}",
    },
    "hyp_design_line": {
        "en": "values in {quarter}; {n} paired replications per value (seeds spawned from {seed}); α = "
        "{alpha}; "
        "{correction}",
        "nl": "waarden in {quarter}; {n} gepaarde herhalingen per waarde (zaden afgeleid van {seed}); "
        "α = {alpha}; {correction}",
    },
    "hyp_in_short": {
        "en": "in short: {k} of {n} comparisons support {id}, {o} point the opposite way, {u} cannot tell",
        "nl": "kortom: {k} van de {n} vergelijkingen ondersteunen {id}, {o} wijzen de andere kant op, {u} "
        "kunnen het niet zeggen",
    },
    "hyp_at": {"en": "{verdict} at {values}", "nl": "{verdict} bij {values}"},
    "hyp_method": {
        "en": "Each value of the lever was run with the same replicate seeds as the reference value (common "
        "random numbers): the same firms meet the same chance events, so the difference of a pair of runs "
        "comes from the lever, not from luck. The effect is the mean of these paired differences in {last} "
        "(cumulative outcomes, marked cum., add up the whole period). The p-value comes from the {test}; "
        "all {m} tests are adjusted together for testing many outcomes ({correction}). A comparison supports "
        "the hypothesis when its adjusted p-value is below α and the effect goes the expected way; it is "
        "opposite when the adjusted p-value is below α and the effect goes the other way; otherwise it is "
        "not supported (the model cannot tell, with these replications). The interval is taken at the level "
        "that matches the adjustment, so a verdict is supported or opposite exactly when the interval leaves "
        "out zero (or the margin of a no-decrease or no-increase outcome). For a numeric lever, rise means "
        "rise with the lever: a value below the reference is expected to lower the outcome. The model "
        "compares rules under its assumptions (named in the scenario files and docs/ODD.md); a verdict is "
        "about the model, not a forecast.",
        "nl": "Elke waarde van de hefboom draaide met dezelfde zaden als de referentiewaarde "
        "(gemeenschappelijke toevalsgetallen): dezelfde bedrijven maken dezelfde toevallige gebeurtenissen "
        "mee, zodat het verschil binnen een paar runs uit de hefboom komt en niet uit toeval. Het effect is "
        "het gemiddelde van die gepaarde verschillen in {last} (cumulatieve resultaten, met cum., tellen de "
        "hele periode op). De p-waarde komt uit de {test}; alle {m} toetsen worden samen gecorrigeerd omdat "
        "veel resultaten tegelijk getoetst worden ({correction}). Een vergelijking ondersteunt de hypothese "
        "als de gecorrigeerde p-waarde onder α ligt en het effect in de verwachte richting gaat; ze is "
        "omgekeerd als de gecorrigeerde p-waarde onder α ligt en het effect de andere kant op gaat; anders "
        "is ze niet ondersteund (het model kan het met deze herhalingen niet zeggen). Het interval hoort bij "
        "die correctie, zodat een oordeel ondersteund of omgekeerd is precies wanneer het interval nul "
        "uitsluit (of de marge van een resultaat dat niet mag dalen of stijgen). Bij een numerieke hefboom "
        "betekent stijgen: stijgen met de hefboom; een waarde onder de referentie zou het resultaat dus "
        "verlagen. Het model vergelijkt regels onder zijn aannames (vermeld in de scenariobestanden en "
        "docs/ODD.md); een oordeel gaat over het model, niet over een voorspelling.",
    },
    # ------------------------------------------------------------ crowding-out
    "rule_reserve": {
        "en": "what spearhead projects leave of the privileged money stays unspent",
        "nl": "wat speerpuntprojecten van het voorbehouden geld overlaten, blijft ongebruikt",
    },
    "rule_reserve_release": {
        "en": "what spearhead projects leave goes to the open pot in the same call",
        "nl": "wat speerpuntprojecten overlaten, gaat in dezelfde oproep naar de open pot",
    },
    "rule_priority": {
        "en": "one pot, spearhead projects funded first up to the privileged amount",
        "nl": "één pot, speerpuntprojecten eerst gesteund tot het voorbehouden bedrag",
    },
    "rule_bonus": {
        "en": "one pot, spearhead projects get a score bonus (the lever is the bonus)",
        "nl": "één pot, speerpuntprojecten krijgen een scorebonus (de hefboom is de bonus)",
    },
    "co_title": {
        "en": "Does privileged project money crowd out other projects, and under which rule?",
        "nl": "Verdringt voorbehouden projectgeld andere projecten, en onder welke regel?",
    },
    "co_meta": {
        "en": "{source}: {rules} rules of privileged access · {envelope} · {n} paired runs per value · "
        "values in {quarter}.",
        "nl": "{source}: {rules} regels voor voorrang · {envelope} · {n} gepaarde runs per waarde · "
        "waarden in {quarter}.",
    },
    "co_howto": {
        "en": "Each rule is compared with one open pot, {n} runs each with the same random numbers. "
        "Green: clear, and the way SERV feared; grey: the model cannot tell. In brackets: the "
        "interval, widened for testing many things at once. Hover a rule for what it means. Model"
        " results, not forecasts.",
        "nl": "Elke regel tegenover één open pot, telkens {n} runs met dezelfde toevalsgetallen. Groen:"
        " duidelijk, en zoals de SERV vreesde; grijs: het model kan het niet zeggen. Tussen "
        "haakjes: het interval, verbreed omdat veel zaken tegelijk getoetst worden. Wijs een "
        "regel aan voor zijn betekenis. Modelresultaten, geen voorspellingen.",
    },
    "co_answer_yes": {
        "en": "Yes under {rules}, at every value tested: proposals that one open pot would have funded "
        "are turned away.",
        "nl": "Ja onder {rules}, bij elke geteste waarde: voorstellen die één open pot gesteund zou "
        "hebben, worden afgewezen.",
    },
    "co_answer_some": {"en": "At some values only: {rules}.", "nl": "Alleen bij sommige waarden: {rules}."},
    "co_answer_displaced": {
        "en": "Individual firm projects still fall at every value under {rules}, also where the rule turns "
        "(almost) no proposal away: they lose the open competition, where spearhead-cluster consortia "
        "compete too, not to the rule itself.",
        "nl": "Toch dalen de individuele bedrijfsprojecten bij elke waarde onder {rules}, ook waar de regel "
        "(bijna) geen voorstel afwijst: ze verliezen de open competitie, waarin ook consortia van "
        "speerpuntclusters meedingen, niet door de regel zelf.",
    },
    "co_rule_at": {"en": "{rule} at {values}", "nl": "{rule} bij {values}"},
    "co_answer_no": {
        "en": "Not clearly under {rules}.",
        "nl": "Niet duidelijk onder {rules}.",
    },
    "co_rule_tally": {
        "en": "{k} of {n} outcomes as SERV feared at every value.",
        "nl": "{k} van de {n} resultaten zoals de SERV vreesde bij elke waarde.",
    },
    "co_at": {"en": "At {value}", "nl": "Bij {value}"},
    "co_details": {
        "en": "Each rule's own report, with every comparison and its p-value",
        "nl": "Het eigen rapport van elke regel, met elke vergelijking en haar p-waarde",
    },
    "co_fig_title": {
        "en": "Paired effect of each rule against one open pot, with {level} % intervals (hollow: not clear)",
        "nl": "Gepaard effect van elke regel tegenover één open pot, met {level} %-intervallen (open: niet "
        "duidelijk)",
    },
    "co_fig_alt": {"en": "effects under every rule", "nl": "effecten onder elke regel"},
    "co_hollow": {"en": "hollow: not clear", "nl": "open: niet duidelijk"},
    "co_matrix": {
        "en": "Every outcome under every rule",
        "nl": "Elk resultaat onder elke regel",
    },
    "co_method": {
        "en": "The share rules (hard reserve, reserve with release, priority) vary the share of a fixed "
        "envelope that is privileged; the bonus rule varies the score bonus. Each rule is its own family of "
        "tests.",
        "nl": "De regels met een aandeel (harde reservering, reservering met vrijgave, voorrang) variëren "
        "het "
        "voorbehouden aandeel van een vaste enveloppe; de bonusregel varieert de scorebonus. Elke regel is "
        "een eigen familie van toetsen.",
    },
    "co_rule": {"en": "rule", "nl": "regel"},
    "co_depends": {
        "en": "what the answer depends on: verdicts per outcome and rule (all comparisons)",
        "nl": "waar het antwoord van afhangt: oordelen per resultaat en regel (alle vergelijkingen)",
    },
    "co_no_comparison": {"en": "no comparison", "nl": "geen vergelijking"},
    "co_tally": {"en": "{k} of {n} supported", "nl": "{k} van {n} ondersteund"},
    "co_tally_opposite": {"en": ", {o} opposite", "nl": ", {o} omgekeerd"},
    "co_plain": {"en": "in plain words", "nl": "in gewone woorden"},
    "co_plain_yes": {
        "en": "proposals are crowded out under {rules}",
        "nl": "voorstellen worden verdrongen onder {rules}",
    },
    "co_plain_no": {"en": "not clearly under {rules}", "nl": "niet duidelijk onder {rules}"},
    # ------------------------------------------------------------ additionality
    "add_title": {
        "en": "Does each public euro of {scenario} add a euro of business R&D?",
        "nl": "Levert elke publieke euro van {scenario} een euro O&O van bedrijven op?",
    },
    "add_meta": {
        "en": "Against {counterfactual} ({description}) in the same economy, {n} paired runs, "
        "{first}–{last}.",
        "nl": "Tegenover {counterfactual} ({description}) in dezelfde economie, {n} gepaarde runs, "
        "{first}–{last}.",
    },
    "add_howto": {
        "en": "The scenario and {counterfactual} ran with the same random numbers: the difference in "
        "business "
        "R&D, divided by the difference in public money, is what each extra public euro adds. At least €1: "
        "additional; between €0 and €1: partial crowding-out (firms replace some of their own R&D spending "
        "with the grant); €0 or less: full crowding-out. The range in brackets is the 95 % interval. These "
        "are the model's results under its assumptions, not forecasts.",
        "nl": "Het scenario en {counterfactual} draaiden met dezelfde toevalsgetallen: het verschil in O&O "
        "van bedrijven, gedeeld door het verschil in publiek geld, is wat elke extra publieke euro oplevert. "
        "Minstens €1: additioneel; tussen €0 en €1: gedeeltelijke verdringing (bedrijven vervangen een deel "
        "van hun eigen O&O-uitgaven door de steun); €0 of minder: volledige verdringing. Het bereik tussen "
        "haakjes is het 95 %-interval. Dit zijn resultaten van het model onder zijn aannames, geen "
        "voorspellingen.",
    },
    "add_answer": {
        "en": "Each extra public euro adds {value} of business R&D ({level} % interval {range}): {klass}.",
        "nl": "Elke extra publieke euro levert {value} O&O van bedrijven op ({level} %-interval {range}): "
        "{klass}.",
    },
    "add_answer_undefined": {
        "en": "Undefined: the scenario spends no more public money than its counterfactual.",
        "nl": "Niet bepaald: het scenario besteedt niet meer publiek geld dan zijn contrafeitelijk scenario.",
    },
    "add_sure_inside": {
        "en": "The whole interval lies in that class.",
        "nl": "Het hele interval ligt in die klasse.",
    },
    "add_sure_spans": {
        "en": "The interval reaches from {low} to {high}, so the class is not certain.",
        "nl": "Het interval loopt van {low} tot {high}, dus de klasse is niet zeker.",
    },
    "add_class_meaning_additional": {
        "en": "The policy raises business R&D by more than it costs the government.",
        "nl": "Het beleid verhoogt de O&O van bedrijven met meer dan het de overheid kost.",
    },
    "add_class_meaning_partial_crowding_out": {
        "en": "Firms add part of each euro, but replace the rest of it with money they would have spent "
        "anyway.",
        "nl": "Bedrijven voegen een deel van elke euro toe, maar vervangen de rest door geld dat ze toch "
        "zouden uitgeven.",
    },
    "add_class_meaning_full_crowding_out": {
        "en": "The public money replaces R&D that firms would have paid for themselves.",
        "nl": "Het publieke geld vervangt O&O die bedrijven zelf betaald zouden hebben.",
    },
    "add_class_meaning_undefined": {"en": "", "nl": ""},
    "add_channels_intro": {"en": "Of that euro:", "nl": "Van die euro:"},
    "add_money": {
        "en": "Over {first}–{last} the policy spends {public} more public money, and business R&D is {rd} "
        "higher.",
        "nl": "Over {first}–{last} besteedt het beleid {public} meer publiek geld, en ligt de O&O van "
        "bedrijven {rd} hoger.",
    },
    "add_naive_sentence": {
        "en": "A naive comparison of members with non-members would give {value} per public euro. That is "
        "not "
        "what the policy adds: members did more R&D before any policy (they are larger and more "
        "R&D-intensive), and the naive number counts that selection as an effect.",
        "nl": "Een naïeve vergelijking van leden met niet-leden zou {value} per publieke euro geven. Dat is "
        "niet wat het beleid oplevert: leden deden al meer O&O vóór enig beleid (ze zijn groter en "
        "O&O-intensiever), en het naïeve getal telt die selectie als een effect.",
    },
    "add_class_additional": {"en": "additional", "nl": "additioneel"},
    "add_class_partial_crowding_out": {"en": "partial crowding-out", "nl": "gedeeltelijke verdringing"},
    "add_class_full_crowding_out": {"en": "full crowding-out", "nl": "volledige verdringing"},
    "add_class_undefined": {"en": "undefined", "nl": "niet bepaald"},
    "add_class_": {"en": "", "nl": ""},
    "add_undefined": {"en": "undefined", "nl": "niet bepaald"},
    "add_naive_class": {"en": "biased by selection: no class", "nl": "vertekend door selectie: geen klasse"},
    "add_text_head": {
        "en": "change in business R&D per public euro, {scenario} against {counterfactual} ({first}-{last}, "
        "{level} intervals):",
        "nl": "verandering in O&O van bedrijven per publieke euro, {scenario} tegenover {counterfactual} "
        "({first}-{last}, {level}-intervallen):",
    },
    "add_estimate": {"en": "estimate", "nl": "schatting"},
    "add_value": {"en": "value", "nl": "waarde"},
    "add_interval": {"en": "interval", "nl": "interval"},
    "add_class": {"en": "class", "nl": "klasse"},
    "add_against_cf": {"en": "against the counterfactual", "nl": "tegenover het contrafeitelijke"},
    "add_naive_short": {"en": "naive: members vs non-members", "nl": "naïef: leden tegenover niet-leden"},
    "add_bias_short": {
        "en": "selection bias (naive − counterf.)",
        "nl": "selectie-effect (naïef − contraf.)",
    },
    "add_by_channel": {
        "en": "by channel (they add up to the estimate against the counterfactual):",
        "nl": "per kanaal (samen de schatting tegenover het contrafeitelijke):",
    },
    "add_channel_knowledge": {"en": "own R&D (what firms learn)", "nl": "eigen O&O (wat bedrijven leren)"},
    "add_channel_pass_through": {"en": "project grants passed through", "nl": "doorgegeven projectsteun"},
    "add_channel_eu": {"en": "EU grants passed through", "nl": "doorgegeven Europese steun"},
    "add_delta_rd": {
        "en": "extra business R&D over the period",
        "nl": "extra O&O van bedrijven in de periode",
    },
    "add_delta_public": {
        "en": "extra public money over the period",
        "nl": "extra publiek geld in de periode",
    },
    "add_naive_gap": {
        "en": "members' R&D above non-members'",
        "nl": "O&O van leden boven die van niet-leden",
    },
    "add_in_short": {"en": "in short", "nl": "kortom"},
    "add_inside": {
        "en": "(the whole {level} interval lies in that class)",
        "nl": "(het hele {level}-interval ligt in die klasse)",
    },
    "add_spans": {
        "en": "(but the {level} interval spans {low} to {high})",
        "nl": "(maar het {level}-interval loopt van {low} tot {high})",
    },
    "add_fig_total": {"en": "business R&D per public euro", "nl": "O&O van bedrijven per publieke euro"},
    "add_fig_naive": {"en": "naive comparison (biased)", "nl": "naïeve vergelijking (vertekend)"},
    "add_fig_naive_off": {
        "en": "naive: {value}, off the axis (biased by selection)",
        "nl": "naïef: {value}, buiten de as (vertekend door selectie)",
    },
    "add_fig_axis": {
        "en": "change in business R&D per extra public euro (€); the dashed line is €1",
        "nl": "verandering in O&O van bedrijven per extra publieke euro (€); de stippellijn is €1",
    },
    "add_fig_title": {
        "en": "What each public euro of {scenario} adds, with {level} % intervals",
        "nl": "Wat elke publieke euro van {scenario} oplevert, met {level} %-intervallen",
    },
    "add_fig_band_full_crowding_out": {
        "en": "full crowding-out (€0 or less)",
        "nl": "volledige verdringing (€0 of minder)",
    },
    "add_fig_band_partial_crowding_out": {
        "en": "partial crowding-out (€0 to €1)",
        "nl": "gedeeltelijke verdringing (€0 tot €1)",
    },
    "add_fig_band_additional": {"en": "additional (€1 or more)", "nl": "additioneel (€1 of meer)"},
    "add_fig_alt": {"en": "additionality and its channels", "nl": "additionaliteit en haar kanalen"},
    "add_estimates": {"en": "Every estimate", "nl": "Alle schattingen"},
    "add_est_counterfactual": {
        "en": "business R&D per public euro, against the counterfactual",
        "nl": "O&O van bedrijven per publieke euro, tegenover het contrafeitelijke",
    },
    "add_est_naive": {
        "en": "naive: members' R&D above non-members' per public euro (biased by selection)",
        "nl": "naïef: O&O van leden boven die van niet-leden per publieke euro (vertekend door selectie)",
    },
    "add_est_selection_bias": {
        "en": "naive minus counterfactual: how much selection inflates the naive number",
        "nl": "naïef min contrafeitelijk: hoeveel selectie het naïeve getal opblaast",
    },
    "add_est_channel_knowledge": {
        "en": "of which firms' own R&D (raised by what they learn)",
        "nl": "waarvan eigen O&O van bedrijven (verhoogd door wat ze leren)",
    },
    "add_est_channel_pass_through": {
        "en": "of which project grants passed through to R&D",
        "nl": "waarvan projectsteun doorgegeven aan O&O",
    },
    "add_est_channel_eu": {
        "en": "of which EU grants passed through to R&D",
        "nl": "waarvan Europese steun doorgegeven aan O&O",
    },
    "add_est_delta_rd": {
        "en": "extra business R&D over the period (scenario − counterfactual)",
        "nl": "extra O&O van bedrijven in de periode (scenario − contrafeitelijk)",
    },
    "add_est_delta_public": {
        "en": "extra public money over the period (operating, project and VIS grants)",
        "nl": "extra publiek geld in de periode (werkings-, project- en VIS-steun)",
    },
    "add_est_naive_gap": {
        "en": "members' R&D above as many average non-members, over the period",
        "nl": "O&O van leden boven die van evenveel gemiddelde niet-leden, in de periode",
    },
    "add_method": {
        "en": "The scenario and the counterfactual run with the same seeds (common random numbers); the "
        "counterfactual keeps the scenario's economy and behaviour and takes only its policy from the "
        "counterfactual file. Per replicate: the change in R&D is business R&D summed over the period (a "
        "quarter counts a quarter of the yearly rate), scenario minus counterfactual; the change in public "
        "money is operating, project and VIS grants paid over the period, scenario minus counterfactual. "
        "The estimate is the sum of the changes in R&D over the sum of the changes in public money (a ratio "
        "of means) with a paired percentile bootstrap interval over replicates. The three channels (firms' "
        "own R&D, project grants and EU grants passed through) add up to it.",
        "nl": "Het scenario en het contrafeitelijke scenario draaien met dezelfde zaden "
        "(gemeenschappelijke toevalsgetallen); het contrafeitelijke houdt de economie en het gedrag van het "
        "scenario en neemt alleen het beleid over uit het contrafeitelijke bestand. Per herhaling: de "
        "verandering in O&O is de O&O van bedrijven opgeteld over de periode (een kwartaal telt een kwart "
        "van het jaarbedrag), scenario min contrafeitelijk; de verandering in publiek geld is de betaalde "
        "werkings-, project- en VIS-steun over de periode, scenario min contrafeitelijk. De schatting is de "
        "som van de veranderingen in O&O gedeeld door de som van de veranderingen in publiek geld (een "
        "verhouding van gemiddelden) met een gepaard percentiel-bootstrapinterval over de herhalingen. De "
        "drie kanalen (eigen O&O van bedrijven, doorgegeven project- en Europese steun) tellen ertoe op.",
    },
    "add_method_naive": {
        "en": "The naive number uses the policy run alone, as a study without a counterfactual would: "
        "members' "
        "R&D above that of as many average non-members, summed over the period, per public euro of the "
        "policy. Members differ from non-members before any policy (they are larger and more "
        "R&D-intensive), so the naive number mixes that selection with the policy's effect; the difference "
        "between the two numbers shows how much.",
        "nl": "Het naïeve getal gebruikt alleen de run met beleid, zoals een studie zonder contrafeitelijk "
        "scenario: de O&O van leden boven die van evenveel gemiddelde niet-leden, opgeteld over de periode, "
        "per publieke euro van het beleid. Leden verschillen van niet-leden vóór enig beleid (ze zijn groter "
        "en O&O-intensiever), dus het naïeve getal mengt die selectie met het effect van het beleid; het "
        "verschil tussen beide getallen toont hoeveel.",
    },
    "add_method_horizon": {
        "en": "R&D that grants paid near the end of the period cause after it is not counted, so the "
        "estimate "
        "leans low for short horizons.",
        "nl": "O&O die steun van het einde van de periode pas daarna veroorzaakt, telt niet mee, dus de "
        "schatting valt bij korte horizonten eerder te laag uit.",
    },
    "cmp_mean_half": {"en": "mean ± 95 % half-width", "nl": "gemiddelde ± halve 95 %-breedte"},
    "cmp_difference_to": {"en": "difference to {reference}", "nl": "verschil met {reference}"},
    "cmp_star": {
        "en": "* clear at 95 % (the interval of the paired difference excludes 0)",
        "nl": "* duidelijk bij 95 % (het interval van het gepaarde verschil sluit 0 uit)",
    },
    # ------------------------------------------------------------ validation
    "val_title": {
        "en": "Does {scenario} reproduce the Flemish record?",
        "nl": "Reproduceert {scenario} wat er in Vlaanderen gebeurde?",
    },
    "val_meta": {
        "en": "{n} replications of {scenario}, {first}–{last}; targets from {file}.",
        "nl": "{n} herhalingen van {scenario}, {first}–{last}; doelen uit {file}.",
    },
    "val_meta_cf": {
        "en": "{n} replications of {scenario} and of {counterfactual} with the same random numbers, "
        "{first}–{last}; targets from {file}.",
        "nl": "{n} herhalingen van {scenario} en van {counterfactual} met dezelfde toevalsgetallen, "
        "{first}–{last}; doelen uit {file}.",
    },
    "val_howto": {
        "en": "Each target is a fact of the public record with a range that counts as reproducing it; a "
        "target holds when the model mean over the replications lies in that range. Fitted targets were "
        "used to calibrate the behavioural assumptions (in-sample: meeting them shows that the calibration "
        "worked, not that the model is right). Held-out targets were declared before the calibration and "
        "never seen by it (out-of-sample: the real test); some replicate published evaluation studies on "
        "the model's firms, comparing members with matched non-members. These are the model's results "
        "under its assumptions, not forecasts.",
        "nl": "Elk doel is een feit uit de publieke bronnen, met een bereik dat als reproductie telt; een "
        "doel is gehaald als het gemiddelde van het model over de herhalingen in dat bereik ligt. "
        "Gekalibreerde doelen zijn gebruikt om de gedragsaannames af te stellen (in-sample: ze halen toont "
        "dat de kalibratie werkte, niet dat het model klopt). Achtergehouden doelen zijn vóór de kalibratie "
        "vastgelegd en nooit door haar gezien (out-of-sample: de echte toets); enkele herhalen gepubliceerde "
        "evaluatiestudies op de bedrijven van het model, door leden te vergelijken met gelijkaardige "
        "niet-leden. Dit zijn resultaten van het model onder zijn aannames, geen voorspellingen.",
    },
    "val_answer_fit": {
        "en": "{k} of {n} fitted targets lie within their observed range (in-sample).",
        "nl": "{k} van de {n} gekalibreerde doelen liggen binnen hun waargenomen bereik (in-sample).",
    },
    "val_answer_held": {
        "en": "{k} of {n} held-out targets lie within their range (out-of-sample: never seen by the "
        "calibration).",
        "nl": "{k} van de {n} achtergehouden doelen liggen binnen hun bereik (out-of-sample: nooit gezien "
        "door de kalibratie).",
    },
    "val_answer_misses": {
        "en": "The held-out targets the model misses:",
        "nl": "De achtergehouden doelen die het model mist:",
    },
    "val_answer_no_misses": {
        "en": "The model misses none of the held-out targets.",
        "nl": "Het model mist geen enkel achtergehouden doel.",
    },
    "val_answer_no_held": {
        "en": "No held-out target lies within the recorded period.",
        "nl": "Geen enkel achtergehouden doel valt binnen de geregistreerde periode.",
    },
    "val_answer_skipped": {
        "en": "{n} target(s) lie outside the recorded period and are not computed.",
        "nl": "{n} doel(en) vallen buiten de geregistreerde periode en zijn niet berekend.",
    },
    "val_fig_caption": {
        "en": "Each row a target: the grey band is its observed range, the black tick the observed value, "
        "the dot the model mean with its 95 % interval (green: within the range, red: not), in units of "
        "each range (0 = its low end, 1 = its high end).",
        "nl": "Elke rij een doel: de grijze band is het waargenomen bereik, het zwarte streepje de "
        "waargenomen waarde, de stip het gemiddelde van het model met zijn 95 %-interval (groen: binnen "
        "het bereik, rood: niet), in eenheden van elk bereik (0 = de onderkant, 1 = de bovenkant).",
    },
    "val_fig_axis": {
        "en": "model mean within the observed range (0 = low end, 1 = high end)",
        "nl": "gemiddelde van het model binnen het waargenomen bereik (0 = onderkant, 1 = bovenkant)",
    },
    "val_fig_fit": {"en": "fitted (in-sample)", "nl": "gekalibreerd (in-sample)"},
    "val_fig_held": {"en": "held out (out-of-sample)", "nl": "achtergehouden (out-of-sample)"},
    "val_fig_alt": {
        "en": "each target's model mean against its observed range",
        "nl": "het gemiddelde van het model tegenover het waargenomen bereik van elk doel",
    },
    "val_fig_title": {
        "en": "{scenario} against the record ({n} replications)",
        "nl": "{scenario} tegenover de cijfers ({n} herhalingen)",
    },
    "val_section_fit": {
        "en": "Fitted (in-sample): {k} of {n} within range",
        "nl": "Gekalibreerd (in-sample): {k} van de {n} binnen het bereik",
    },
    "val_section_held_out": {
        "en": "Held out (out-of-sample): {k} of {n} within range",
        "nl": "Achtergehouden (out-of-sample): {k} van de {n} binnen het bereik",
    },
    "val_col_target": {"en": "target", "nl": "doel"},
    "val_col_when": {"en": "when", "nl": "wanneer"},
    "val_col_observed": {"en": "observed (range)", "nl": "waargenomen (bereik)"},
    "val_col_model": {"en": "model mean (95 % interval)", "nl": "gemiddelde van het model (95 %-interval)"},
    "val_col_within": {"en": "within range", "nl": "binnen het bereik"},
    "val_panels": {
        "en": "Every replication, target by target",
        "nl": "Elke herhaling, doel per doel",
    },
    "val_sources": {
        "en": "Sources and notes of these targets (as written in the targets file)",
        "nl": "Bronnen en toelichting bij deze doelen (in het Engels, zoals in het doelenbestand)",
    },
    "val_skipped": {
        "en": "Not computed (outside the recorded period): {items}.",
        "nl": "Niet berekend (buiten de geregistreerde periode): {items}.",
    },
    "val_legend_range": {"en": "observed range", "nl": "waargenomen bereik"},
    "val_legend_observed": {"en": "observed", "nl": "waargenomen"},
    "val_legend_runs": {"en": "replications", "nl": "herhalingen"},
    "val_legend_mean": {"en": "model mean, 95 % interval", "nl": "gemiddelde van het model, 95 %-interval"},
    "val_held_tag": {"en": "held out", "nl": "achtergehouden"},
    "val_panels_title": {
        "en": "{scenario} against the record: each replication (dots) and the model mean (green: within the "
        "observed range)",
        "nl": "{scenario} tegenover de cijfers: elke herhaling (stippen) en het gemiddelde van het model "
        "(groen: binnen het waargenomen bereik)",
    },
    # ------------------------------------------------------------ calibration
    "cal_title": {
        "en": "Calibration of {scenario}: which behavioural assumptions reproduce the record?",
        "nl": "Kalibratie van {scenario}: welke gedragsaannames reproduceren de cijfers?",
    },
    "cal_meta": {
        "en": "{design}; scored against {k} fitted targets from {file}.",
        "nl": "{design}; getoetst aan {k} gekalibreerde doelen uit {file}.",
    },
    "cal_design": {
        "en": "a {design} of {n} parameter sets × {r} replications (common random numbers)",
        "nl": "een {design} van {n} parametersets × {r} herhalingen (gemeenschappelijke toevalsgetallen)",
    },
    "cal_design_second": {
        "en": ", then a second of {n} sets within the box of the best {top} sets of the first",
        "nl": ", daarna een tweede van {n} sets binnen het gebied van de beste {top} sets van het eerste",
    },
    "cal_design_cf": {
        "en": "; each run paired with its counterfactual ({counterfactual}, same random numbers)",
        "nl": "; elke run gepaard met zijn contrafeitelijk scenario ({counterfactual}, dezelfde "
        "toevalsgetallen)",
    },
    "cal_design_lhs": {"en": "Latin hypercube", "nl": "Latijnse hyperkubus"},
    "cal_design_sobol": {"en": "Sobol' design", "nl": "Sobol'-ontwerp"},
    "cal_design_morris": {"en": "Morris design", "nl": "Morris-ontwerp"},
    "cal_design_grid": {"en": "grid", "nl": "rooster"},
    "cal_howto": {
        "en": "The behavioural assumptions that the record cannot pin down directly (what membership is "
        "worth to firms and costs them, how often initiatives start) were searched over plausible ranges. "
        "Each parameter set ran a few times and was scored against the fitted targets only; held-out "
        "targets are never seen (the validation report tests them). A set is accepted when the model mean "
        "lies in every fitted target's range; its shortfall says by how much it misses the ranges, in "
        "units of each range's width. The chosen set is the accepted one closest to the observed values, "
        "or, if none is accepted, the one that misses by the least. These are the model's results under "
        "its assumptions, not forecasts.",
        "nl": "De gedragsaannames die de cijfers niet rechtstreeks vastleggen (wat een lidmaatschap "
        "bedrijven waard is en kost, hoe vaak initiatieven ontstaan), zijn doorzocht over aannemelijke "
        "bereiken. Elke parameterset draaide enkele keren en werd alleen aan de gekalibreerde doelen "
        "getoetst; achtergehouden doelen worden nooit gezien (het validatierapport toetst ze). Een set is "
        "aanvaard als het gemiddelde van het model binnen het bereik van elk gekalibreerd doel ligt; zijn "
        "tekort zegt hoeveel hij de bereiken mist, in eenheden van de breedte van elk bereik. De gekozen "
        "set is de aanvaarde die het dichtst bij de waargenomen waarden ligt, of, als er geen aanvaard is, "
        "de set die het minst mist. Dit zijn resultaten van het model onder zijn aannames, geen "
        "voorspellingen.",
    },
    "cal_answer_searched": {
        "en": "{n} parameter sets were searched; {a} met every fitted range.",
        "nl": "{n} parametersets zijn doorzocht; {a} haalden elk gekalibreerd bereik.",
    },
    "cal_answer_none": {
        "en": "{n} parameter sets were searched; none met every fitted range (the best met {best} of {k} "
        "fitted targets).",
        "nl": "{n} parametersets zijn doorzocht; geen enkele haalde elk gekalibreerd bereik (de beste haalde "
        "{best} van de {k} gekalibreerde doelen).",
    },
    "cal_answer_confirmed": {
        "en": "The chosen set met {m} of {k} fitted targets in its confirmation runs ({r} fresh "
        "replications).",
        "nl": "De gekozen set haalde {m} van de {k} gekalibreerde doelen in zijn bevestigingsruns ({r} "
        "nieuwe herhalingen).",
    },
    "cal_answer_design": {
        "en": "The chosen set met {m} of {k} fitted targets on its {r} replications in the design (no "
        "confirmation runs).",
        "nl": "De gekozen set haalde {m} van de {k} gekalibreerde doelen op zijn {r} herhalingen in het "
        "ontwerp (geen bevestigingsruns).",
    },
    "cal_answer_values": {
        "en": "The chosen values (the stars in the figure), with the range searched:",
        "nl": "De gekozen waarden (de sterren in de figuur), met het doorzochte bereik:",
    },
    "cal_fig_axis": {
        "en": "position in the range searched (0 = its lower bound, 1 = its upper bound)",
        "nl": "plaats in het doorzochte bereik (0 = ondergrens, 1 = bovengrens)",
    },
    "cal_fig_title": {
        "en": "{a} of {n} sets accepted ({k} fitted targets)",
        "nl": "{a} van de {n} sets aanvaard ({k} gekalibreerde doelen)",
    },
    "cal_fig_alt": {
        "en": "each searched parameter set and the chosen one, assumption by assumption",
        "nl": "elke doorzochte parameterset en de gekozen, aanname per aanname",
    },
    "cal_fig_caption": {
        "en": "Each row an assumption, its range searched from left to right: grey dots are the sets "
        "searched, green ones the sets that met every fitted range, the red star the chosen set.",
        "nl": "Elke rij een aanname, het doorzochte bereik van links naar rechts: grijze stippen zijn de "
        "doorzochte sets, groene de sets die elk gekalibreerd bereik haalden, de rode ster de gekozen set.",
    },
    "cal_legend_searched": {"en": "searched", "nl": "doorzocht"},
    "cal_legend_second": {"en": "second stage", "nl": "tweede fase"},
    "cal_legend_accepted": {"en": "accepted (within every range)", "nl": "aanvaard (binnen elk bereik)"},
    "cal_legend_chosen": {"en": "chosen", "nl": "gekozen"},
    "cal_shortfall_axis": {"en": "shortfall (range widths)", "nl": "tekort (breedtes van het bereik)"},
    "cal_panels_title": {
        "en": "Each set's shortfall against its value of each assumption",
        "nl": "Het tekort van elke set tegenover zijn waarde van elke aanname",
    },
    "cal_values": {"en": "Chosen values", "nl": "Gekozen waarden"},
    "cal_col_assumption": {"en": "assumption", "nl": "aanname"},
    "cal_col_chosen": {"en": "chosen", "nl": "gekozen"},
    "cal_col_searched": {"en": "range searched", "nl": "doorzocht bereik"},
    "cal_col_second": {"en": "second stage", "nl": "tweede fase"},
    "cal_col_accepted": {
        "en": "accepted sets (lowest, median, highest)",
        "nl": "aanvaarde sets (laagste, mediaan, hoogste)",
    },
    "cal_targets": {
        "en": "The chosen set against each fitted target",
        "nl": "De gekozen set tegenover elk gekalibreerd doel",
    },
    "cal_col_chosen_mean": {"en": "chosen set (mean)", "nl": "gekozen set (gemiddelde)"},
    "cal_not_fitted": {
        "en": "Not fitted (held out, or outside the recorded period): {items}.",
        "nl": "Niet gekalibreerd (achtergehouden, of buiten de geregistreerde periode): {items}.",
    },
    "cal_design_h": {"en": "Design", "nl": "Ontwerp"},
    "cal_runs": {
        "en": "{runs} runs in {seconds} s (runs already stored are resumed, not run again).",
        "nl": "{runs} runs in {seconds} s (reeds bewaarde runs worden hernomen, niet opnieuw gedraaid).",
    },
    "cal_spread": {
        "en": "Sets by the number of fitted targets they met: {items}.",
        "nl": "Sets volgens het aantal gekalibreerde doelen dat ze haalden: {items}.",
    },
    "cal_spread_item": {"en": "{c} met {m}", "nl": "{c} haalden er {m}"},
    "cal_panels": {
        "en": "Each set's shortfall, assumption by assumption",
        "nl": "Het tekort van elke set, aanname per aanname",
    },
    "cal_files": {"en": "Files", "nl": "Bestanden"},
    "cal_file_points": {
        "en": "every set searched: its values, each target's mean, shortfall, accepted",
        "nl": "elke doorzochte set: zijn waarden, het gemiddelde per doel, tekort, aanvaard",
    },
    "cal_file_ensemble": {
        "en": "the sets that fit (a calibration ensemble), best first",
        "nl": "de sets die passen (een kalibratie-ensemble), de beste eerst",
    },
    "cal_file_figures": {"en": "the figures of this page", "nl": "de figuren van deze pagina"},
    "cal_file_confirmation": {
        "en": "the best sets run again with fresh replications",
        "nl": "de beste sets opnieuw gedraaid met nieuwe herhalingen",
    },
    "cal_file_scenario": {
        "en": "the calibrated scenario (check it with clusterpolicy validate)",
        "nl": "het gekalibreerde scenario (toets het met clusterpolicy validate)",
    },
    "cal_file_runs": {
        "en": "the stored runs (resumable)",
        "nl": "de bewaarde runs (hervatbaar)",
    },
}

EVENTS_NL = (
    (re.compile(r"^recognised as spearhead$"), "erkend als speerpuntcluster"),
    (re.compile(r"^recognised as ibn$"), "erkend als IBN"),
    (re.compile(r"^recognised as (.+)$"), r"erkend als \1"),
    (re.compile(r"^support ended \(sunset\)$"), "steun beëindigd (uitdoving)"),
    (re.compile(r"^grant lapsed: deposit short$"), "subsidie vervallen: storting te laag"),
    (
        re.compile(r"^ended: ([0-9,]+) EUR refunded to members, ([0-9,]+) EUR to the agency$"),
        r"opgeheven: \1 EUR terug naar de leden, \2 EUR naar het agentschap",
    ),
    (
        re.compile(r"^support stopped at evaluation \(score ([0-9.]+)\)$"),
        r"steun gestopt na evaluatie (score \1)",
    ),
    (re.compile(r"^legacy structure$"), "bestaande structuur"),
)
EVENTS_EN = ((re.compile(r"^recognised as ibn$"), "recognised as IBN"),)


@functools.cache
def _english_labels() -> dict[str, str]:
    from clusterpolicy.model.metrics import OUTCOMES
    from clusterpolicy.model.params import LEVER_GROUPS, declarations

    out = {name: o.label for name, o in OUTCOMES.items()}
    out.update({spec.key: spec.label for spec in declarations()})
    out.update(LEVER_GROUPS)
    out.update(KIND["en"])
    return out


def _dutch_labels() -> dict[str, str]:
    return {**OUTCOME_NL, **PARAM_NL, **GROUP_NL, **KIND["nl"]}


def label(key: str, lang: str = DEFAULT_LANG) -> str:
    """The label of an outcome, parameter key, lever group or organisation kind.

    Args:
        key: an outcome name (``members``), a dotted parameter key (``policy.privileged_share``),
            a lever group (``cofinancing``) or an organisation kind (``spearhead``).
        lang: ``en`` or ``nl``.

    Returns:
        The label in that language (English when no Dutch exists; the key itself when nothing does).
    """
    check_lang(lang)
    if lang == "nl" and key in (nl := _dutch_labels()):
        return nl[key]
    return _english_labels().get(key, key)


def has_label(key: str, lang: str) -> bool:
    """Whether ``key`` has a label of its own in ``lang`` (not a fallback)."""
    check_lang(lang)
    return key in (_dutch_labels() if lang == "nl" else _english_labels())


def text(message_id: str, lang: str = DEFAULT_LANG, **fields: object) -> str:
    """A message by id, in ``lang``, with ``str.format`` fields filled in.

    Raises:
        KeyError: for an unknown message id (a programming error, not a user's).
    """
    check_lang(lang)
    entry = MESSAGES[message_id]
    template = entry.get(lang) or entry["en"]
    return template.format(**fields) if fields else template


def choice(value: str, lang: str = DEFAULT_LANG) -> str:
    """The label of an allowed value of a categorical parameter (``strict``, ``jury``, ...)."""
    check_lang(lang)
    table = CHOICES_NL if lang == "nl" else CHOICES_EN
    return table.get(value, value)


def unit(declared: str, lang: str = DEFAULT_LANG) -> str:
    """A unit as people read it (``EUR/yr`` becomes ``€/yr`` or ``€/jaar``)."""
    check_lang(lang)
    return UNITS[lang].get(declared, declared)


def kind(value: str, lang: str = DEFAULT_LANG) -> str:
    """An organisation kind (``spearhead``, ``ibn``, ``legacy``) in words."""
    check_lang(lang)
    return KIND[lang].get(value, value)


def suffix(english: str, lang: str = DEFAULT_LANG) -> str:
    """A unit suffix of :mod:`clusterpolicy.outputs.format` (``m``, `` pts``) in ``lang``."""
    check_lang(lang)
    return SUFFIXES.get(lang, {}).get(english, english)


def axis(english: str, lang: str = DEFAULT_LANG) -> str:
    """An axis label of :mod:`clusterpolicy.outputs.format` (``€ million per year``) in ``lang``."""
    check_lang(lang)
    return AXES.get(lang, {}).get(english, english)


def scenario_label(name: str, lang: str = DEFAULT_LANG) -> str:
    """A short label of a shipped scenario (``SERV's advice (2015)``); any other scenario keeps its name."""
    check_lang(lang)
    entry = SCENARIOS.get(name)
    return entry[lang] if entry else name


def phrase(english: str, lang: str = DEFAULT_LANG) -> str:
    """A text written in a shipped file, in ``lang``.

    The texts are a scenario's description and a hypothesis's title, statement, source and whys.

    The Dutch is looked up by the file's English text itself, so an edited file shows its new English
    rather than a stale translation (and the tests say which text lost its Dutch).
    """
    check_lang(lang)
    if lang == "nl":
        return PHRASES_NL.get(english.strip(), english)
    return english


def event(entry: str, lang: str = DEFAULT_LANG) -> str:
    """An organisation's history entry (as the model writes it, in English) in ``lang``."""
    check_lang(lang)
    for pattern, repl in EVENTS_NL if lang == "nl" else EVENTS_EN:
        if pattern.match(entry):
            return pattern.sub(repl, entry)
    return entry
