"""Thin routes: parse, authorise, call one service, render. One module per resource."""
