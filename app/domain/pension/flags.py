"""What a result must tell the person, as stable snake_case codes (api.md `flags`); the page
words each one in plain Chinese."""

from enum import StrEnum


class Flag(StrEnum):
    # Any result
    unconfirmed_parameter = "unconfirmed_parameter"  # a [L]/[?] figure was used: 待核实
    provisional_parameter = "provisional_parameter"  # limits before the notice; 补差 later
    assumed_interest = "assumed_interest"  # an assumed 记账利率, never certain
    land_expropriated_local_rule = "land_expropriated_local_rule"  # 被征地农民: local, not modelled
    short_of_minimum_years = "short_of_minimum_years"  # A: 补缴 needed; B: 延缴 needed

    # Resident scheme (城乡居民)
    buyback_local_rule = "buyback_local_rule"  # which years and tier may be bought back is local
    past_benefit_age = "past_benefit_age"  # already 60: benefits are never back-dated
    local_rule_required = "local_rule_required"  # past 60, never enrolled: one-off 补缴 varies
    transition_group = "transition_group"  # minimum years set by the local scheme start
    basic_pension_only = "basic_pension_only"  # 60+ at scheme start, if no other public pension
    paid_on_behalf = "paid_on_behalf"  # 代缴 of the lowest tier; needs documented hardship status
    tier_not_in_menu = "tier_not_in_menu"
    mid_year_top_up = "mid_year_top_up"  # final tier's subsidy applied once ([L], to confirm)
    employee_years_counted = "employee_years_counted"  # B→A: employee years as resident years

    # Employee scheme as a flexible worker (灵活就业)
    base_clamped = "base_clamped"  # base outside 60–300 %: the nearest limit is used
    long_extension = "long_extension"  # over 5 years of 延缴: transfer? one-off?
    raised_minimum_years = "raised_minimum_years"  # minimum above today's, reached in 2030+
    past_statutory_age = "past_statutory_age"  # 延缴 only; benefits are never back-dated
    employment_difficulty_subsidy = "employment_difficulty_subsidy"  # needs 就业困难人员认定
    subsidy_ends_early = "subsidy_ends_early"  # 36-month cap ends it before the statutory age
    resident_years_not_counted = "resident_years_not_counted"  # A years do not count for B
    deemed_service_out_of_scope = "deemed_service_out_of_scope"  # pre-1996 视同缴费: refer
    prior_index_assumed = "prior_index_assumed"  # past average index not given
    female_category_assumed = "female_category_assumed"  # F55 assumed; F50 for 工人岗位
    transfer_to_resident_option = "transfer_to_resident_option"  # see resident_transfer
    transfer_local_rule = "transfer_local_rule"  # B→A details (tier after transfer) assumed

    # Comparisons
    no_marginal_gain = "no_marginal_gain"  # the dearer option never pays back
