"""The lab's own sentences: hints for the mistakes students make most."""

MESSAGES = {
    "hint.q3.check_layer_setting": {
        "en": "Only a recurrent layer followed by another one returns the whole sequence.",
        "fr": "Seule une couche récurrente suivie d'une autre renvoie toute la séquence.",
    },
    "hint.q4.check_layer_kinds": {
        "en": "A Bidirectional wrapper reads the text both ways: wrap the LSTM in it.",
        "fr": "Une enveloppe Bidirectional lit le texte dans les deux sens : mettez-y le LSTM.",
    },
}
