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
- :func:`event` for an organisation's history entry as the model writes it.

A missing Dutch entry falls back to English, so a new outcome or parameter never breaks a page; the tests
list what must be translated (every lever, every outcome, every message).
"""

from __future__ import annotations

import functools
import re

LANGS = ("en", "nl")
DEFAULT_LANG = "en"


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
    "reserve_release": "reservering, restant naar de open pot",
    "bonus": "scorebonus",
    "priority": "voorrang tot het bedrag",
    "rolling": "doorlopend, bij indiening",
    "call": "oproep",
}
CHOICES_EN = {"strict": "strict: the grant lapses", "fcfs": "first come, first served"}

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
        "-": "",
    },
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


def event(entry: str, lang: str = DEFAULT_LANG) -> str:
    """An organisation's history entry (as the model writes it, in English) in ``lang``."""
    check_lang(lang)
    for pattern, repl in EVENTS_NL if lang == "nl" else EVENTS_EN:
        if pattern.match(entry):
            return pattern.sub(repl, entry)
    return entry
