"""Encryption at rest and the blind index (ARC-6)."""

from guanxi.core.crypto import blind_index, decrypt, encrypt


def test_round_trip_and_ciphertext_hides_value():
    secret = "11010519491231002X"
    token = encrypt(secret)
    assert token != secret
    assert secret not in token
    assert decrypt(token) == secret
    assert decrypt(encrypt("张三 ☎")) == "张三 ☎"


def test_two_encryptions_differ():
    assert encrypt("13800138000") != encrypt("13800138000")


def test_blank_values():
    assert encrypt("") == ""
    assert decrypt("") == ""
    assert blind_index("", purpose="x") == ""


def test_garbage_or_foreign_token_decrypts_to_empty():
    assert decrypt("not a token") == ""
    assert decrypt("gAAAAABnot-really-a-fernet-token==") == ""
    token = encrypt("secret")
    assert decrypt(token[:-4] + "AAAA") == ""


def test_other_key_cannot_read(settings):
    token = encrypt("secret")
    settings.GUANXI_FIELD_KEY = "Vw2m7KJ0l5fcqS3yHUpdZ0z9oMZ0k3x3cN3n0oGx0dQ="
    assert decrypt(token) == ""


def test_blind_index_deterministic_and_purpose_separated():
    a = blind_index("+8613800138000", purpose="dedup:mobile")
    assert a == blind_index("+8613800138000", purpose="dedup:mobile")
    assert a != blind_index("+8613800138000", purpose="dedup:email")
    assert a != blind_index("+8613800138001", purpose="dedup:mobile")
    assert "13800138000" not in a
    assert len(a) == 64


def test_blind_index_depends_on_key(settings):
    before = blind_index("x", purpose="p")
    settings.GUANXI_INDEX_KEY = "another"
    assert blind_index("x", purpose="p") != before
