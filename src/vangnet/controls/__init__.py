"""Prostitution controls: municipalities and police register each control, against targets kept as data.

The National Rapporteur (Monitor Mensenhandel 2019-2023, recommendation 1) asks for uniform controls
everywhere in the country with quantitative targets. A control holds no personal data: where, when,
which kind of location, how many workers were spoken to, which indicators were checked, and links to the
signals it raised (registered through the normal signal flow).
"""
