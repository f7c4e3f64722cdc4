"""Vanguard: the field app of Yuxi's social-security service vanguard teams (社保服务先锋队)."""
