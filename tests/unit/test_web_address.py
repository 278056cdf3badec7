"""What the web chat counts as one client address (``bots.web_address.network``)."""

from bots.web_address import network


def test_an_ipv4_address_counts_alone_and_an_ipv4_mapped_ipv6_address_as_that_ipv4():
    assert network("203.0.113.7") == "203.0.113.7"
    assert network("::ffff:203.0.113.7") == "203.0.113.7"
    assert network("203.0.113.8") != network("203.0.113.7")


def test_an_ipv6_address_counts_by_its_64_network():
    assert network("2001:db8:1:2::1") == network("2001:db8:1:2:ffff:ffff:ffff:fffe")
    assert network("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert network("2001:db8:1:3::1") != network("2001:db8:1:2::1")


def test_a_peer_that_is_no_ip_address_shares_one_count():
    assert network(None) == network("") == network("/run/daojia.sock") == "unknown"
