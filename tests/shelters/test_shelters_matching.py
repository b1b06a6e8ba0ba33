

def test_region_adjacency_covers_every_police_unit_with_real_codes():
    from vangnet.shelters.matching import adjacency

    table = adjacency()
    assert len(table) == 10
    assert all(isinstance(code, str) for code in table)
    assert "RT" in table["ON"] and "ON" in table["RT"]  # Oost-Nederland borders Rotterdam (Gorinchem area)
